// Server::Impl: request/response structs and the handlers shared by the server's .cpp files.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "emu/query.hpp"
#include "emu/server.hpp"

namespace httplib {
class Server;
}

namespace sfrewind::emu {

struct CaseLess {
  bool operator()(const std::string& a, const std::string& b) const { return to_lower(a) < to_lower(b); }
};

struct Req {
  std::string method, path;
  std::multimap<std::string, std::string> params;
  std::map<std::string, std::string, CaseLess> headers;
  std::string body;
  std::string param(const std::string& k) const {
    auto it = params.find(k);
    return it == params.end() ? "" : it->second;
  }
};

struct Resp {
  int status = 200;
  std::string body;
  std::string content_type = "application/json;charset=UTF-8";  // as Salesforce sends it
  std::vector<std::pair<std::string, std::string>> headers;
  bool no_body = false;
};

struct Session {
  std::uint32_t user = 0;
  std::string token;
};

struct TokenInfo {
  std::uint32_t user = 0;
  std::int64_t expires_ms = 0;
  int calls = 0;
  std::string app;
};

Resp error_resp(int status, std::string_view code, std::string_view message);
Resp error_resp(const Error& e);
Resp json_resp(int status, std::string body);
std::map<std::string, std::string> parse_form(std::string_view body);
std::string url_decode(std::string_view s);
std::int64_t now_ms();
// True for about one call in `every` (0 = never), the same calls for the same seed and salt.
bool fault_hits(std::uint64_t seed, std::uint64_t salt, std::uint64_t n, int every);
// Replaces a response's body by a complete one that is not valid JSON (call `n` picks how).
void malform(Resp& r, std::uint64_t n);

struct Server::Impl {
  ServerOptions opts;
  Org org;
  mutable std::mutex mu;
  QueryService queries;
  std::map<std::string, TokenInfo> tokens;
  std::map<std::string, std::string> refresh_tokens;  // issued refresh token -> username
  FaultOptions faults;
  std::uint64_t fault_calls = 0;
  int burst_left = 0;
  int token_grants = 0;    // grants by the token endpoint since the faults were set
  FaultStats stats;
  std::mt19937_64 rng;
  std::unique_ptr<httplib::Server> http;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopped{false};

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }

  // Entry: everything after the HTTP layer. Returns the response and, for faults, how many
  // body bytes to send before closing (-1 = all).
  // `delay_ms` is how long to hold the answer back (a latency spike) before sending it.
  Resp handle(const Req& req, long* cut, int* delay_ms);
  Resp token_endpoint(const Req& req, long* cut);
  void reset_fault_state();
  Resp control(const Req& req);
  Resp data(const Req& req, const Session& s, const std::string& version, const std::string& rest);
  Resp oauth_token(const Req& req);
  Resp oauth_userinfo(const Req& req);
  Resp oauth_revoke(const Req& req);
  Resp identity(const Req& req, const std::string& rest);
  Resp token_grant(std::uint32_t user, const std::string& app, bool with_refresh, const std::string& secret);
  Resp jwt_grant(const std::map<std::string, std::string>& form);
  Resp describe_global(const std::string& version);
  Resp describe(const std::string& type, const std::string& version);
  Resp sobject_row(const Req& req, const Session& s, const std::string& type, const std::string& id,
                   const std::string& version);
  Resp sobject_create(const Req& req, const Session& s, const std::string& type);
  Resp collections(const Req& req, const Session& s, const std::string& rest, const std::string& version);
  Resp composite(const Req& req, const Session& s, const std::string& version);
  Resp limits();
  std::optional<Session> authenticate(const Req& req, Resp* fail);
  std::string new_token();
  bool locked(const std::string& id) const;
  std::string limit_info() const;
};

}  // namespace sfrewind::emu
