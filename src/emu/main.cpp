// sfrewind-emu: serve a local Salesforce org (from a file or generated) on 127.0.0.1.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "emu/server.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int usage() {
  std::cerr << "usage: sfrewind-emu (--org FILE | --generate records=N,edits=M,users=K,seed=S) [--port N]\n"
               "       [--token TOKEN=USERNAME]... [--token-ttl SECONDS] [--seed N] [--latency-ms N]\n"
               "       [--faults key=value,...]  (latency_ms, spike_every, spike_ms, burst_503_every,\n"
               "        burst_503_length, reset_every, truncate_every, malformed_every,\n"
               "        token_expire_after, refresh_fail, refresh_deny=1, limit_after,\n"
               "        lock_records=ID;ID, expire_locators=1, seed)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  sfrewind::emu::ServerOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") return usage() - 2;
    if (!(v = value())) return usage();
    if (a == "--org") o.org_file = v;
    else if (a == "--generate") o.generate = v;
    else if (a == "--port") o.port = std::atoi(v);
    else if (a == "--seed") o.seed = std::strtoull(v, nullptr, 10);
    else if (a == "--token-ttl") o.token_ttl_s = std::atoi(v);
    else if (a == "--latency-ms") o.latency_ms = std::atoi(v);
    else if (a == "--token") {
      std::string t = v;
      auto eq = t.find('=');
      if (eq == std::string::npos) return usage();
      o.fixed_tokens.emplace_back(t.substr(0, eq), t.substr(eq + 1));
    } else if (a == "--faults") {
      if (auto s = sfrewind::emu::parse_faults(v, &o.faults); !s) {
        std::cerr << "sfrewind-emu: " << s.error().message << "\n";
        return 2;
      }
    } else {
      return usage();
    }
  }
  if (o.org_file.empty() == o.generate.empty()) return usage();
  auto server = sfrewind::emu::Server::start(o);
  if (!server) {
    std::cerr << "sfrewind-emu: " << server.error().message << "\n";
    return 1;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::printf("sfrewind-emu listening on %s\n", (*server)->base_url().c_str());
  std::fflush(stdout);
  while (!g_stop) {
    struct timespec ts{0, 100 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
  (*server)->stop();
  return 0;
}
