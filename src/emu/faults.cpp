// Fault injection: the fault spec parser, the seeded call picker, malformed bodies and the
// token endpoint's refresh faults.
#include <fmt/format.h>

#include "emu/impl.hpp"

namespace sfrewind::emu {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

Resp invalid_grant() {
  JsonWriter w;
  w.begin_object();
  w.kv("error", "invalid_grant");
  w.kv("error_description", "expired access/refresh token");
  w.end_object();
  return json_resp(400, w.take());
}

}  // namespace

bool fault_hits(std::uint64_t seed, std::uint64_t salt, std::uint64_t n, int every) {
  return every > 0 && mix(seed ^ (salt << 56) ^ n) % static_cast<std::uint64_t>(every) == 0;
}

void malform(Resp& r, std::uint64_t n) {
  if (n % 2 == 0) {
    // What a proxy or a maintenance page answers with 200.
    r.body = "<html><head><title>Down for maintenance</title></head><body>Back soon.</body></html>";
  } else {
    // A broken document: the first half of the real one, then a syntax error.
    r.body = r.body.substr(0, r.body.size() / 2) + ",,}";
  }
}

Status parse_faults(std::string_view spec, FaultOptions* f) {
  std::string s(spec);
  for (char& c : s) {
    if (c == ',') c = '&';
  }
  for (const auto& [k, v] : parse_form(s)) {
    int n = std::atoi(v.c_str());
    if (k == "latency_ms") f->latency_ms = n;
    else if (k == "spike_every") f->spike_every = n;
    else if (k == "spike_ms") f->spike_ms = n;
    else if (k == "burst_503_every") f->burst_503_every = n;
    else if (k == "burst_503_length") f->burst_503_length = n;
    else if (k == "reset_every") f->reset_every = n;
    else if (k == "truncate_every") f->truncate_every = n;
    else if (k == "malformed_every") f->malformed_every = n;
    else if (k == "token_expire_after") f->token_expire_after = n;
    else if (k == "limit_after") f->limit_after = n;
    else if (k == "refresh_fail") f->refresh_fail = n;
    else if (k == "refresh_deny") f->refresh_deny = v == "1" || v == "true";
    else if (k == "expire_locators") f->expire_locators = v == "1" || v == "true";
    else if (k == "seed") f->seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "lock_records") {
      std::size_t start = 0;
      while (start < v.size()) {
        auto semi = v.find(';', start);
        if (semi == std::string::npos) semi = v.size();
        f->lock_records.push_back(v.substr(start, semi - start));
        start = semi + 1;
      }
    } else {
      return make_error(ErrorCode::kInvalidArgument, "unknown fault option '" + k + "'");
    }
  }
  return ok();
}

void Server::Impl::reset_fault_state() {
  fault_calls = 0;
  burst_left = 0;
  token_grants = 0;
  stats = FaultStats();
}

Resp Server::Impl::token_endpoint(const Req& req, long* cut) {
  if (token_grants > 0 && stats.refresh_failed < faults.refresh_fail) {
    if (++stats.refresh_failed % 2 == 0) *cut = 0;  // every other failure: the connection drops
    return error_resp(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable. Please try again.");
  }
  if (token_grants > 0 && faults.refresh_deny) {
    ++stats.refresh_denied;
    return invalid_grant();
  }
  Resp r = oauth_token(req);
  if (r.status == 200) ++token_grants;
  return r;
}

}  // namespace sfrewind::emu
