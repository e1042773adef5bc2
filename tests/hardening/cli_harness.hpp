// Runs sfrewind::cli::run in-process against the acme sample org on an in-process emulator.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cli/app.hpp"
#include "emu/server.hpp"

namespace sfrewind::test {

inline constexpr const char* kAcmeClientId = "acme-responder-app";
inline constexpr const char* kAcmeClientSecret = "acme-responder-secret";
inline constexpr const char* kAcmeToken = "00D5g00000ACME1!KNOWN-ACCESS-TOKEN-fe3b1c9d2a";
inline constexpr const char* kAcmeUser = "responder@acme.example";

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Calls cli::run with "sfrewind" followed by `args`.
inline CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> storage = {"sfrewind"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::ostringstream out;
  std::ostringstream err;
  CliResult r;
  r.code = cli::run(static_cast<int>(storage.size()), argv.data(), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// The acme sample org on 127.0.0.1 with kAcmeToken as a fixed access token of kAcmeUser.
inline std::unique_ptr<emu::Server> start_acme() {
  emu::ServerOptions options;
  options.org_file = std::string(SFREWIND_SOURCE_DIR) + "/samples/orgs/acme-incident.json";
  options.fixed_tokens = {{kAcmeToken, kAcmeUser}};
  auto server = emu::Server::start(options);
  REQUIRE_MESSAGE(server.has_value(), (server ? "" : server.error().message));
  return std::move(*server);
}

inline std::string read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

inline mode_t file_mode(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

}  // namespace sfrewind::test
