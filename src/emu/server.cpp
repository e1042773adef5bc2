// Server: lifecycle, the httplib bridge, authentication and routing of /services/data.
#include "emu/server.hpp"

#include <chrono>

#include <fmt/format.h>
#include <httplib.h>

#include <sfrewind/types.hpp>

#include "emu/gzip.hpp"
#include "emu/impl.hpp"

namespace sfrewind::emu {
namespace {

// Connections served at once (httplib gives each open keep-alive connection its own thread).
constexpr std::size_t kServerThreads = 64;

Req to_req(const httplib::Request& r) {
  Req q;
  q.method = r.method;
  q.path = r.path;
  // Parsed here because httplib 0.11 splits values on every '=' (unencoded '=' in SOQL).
  auto qm = r.target.find('?');
  if (qm != std::string::npos) {
    for (const auto& [k, v] : parse_form(std::string_view(r.target).substr(qm + 1))) q.params.emplace(k, v);
  }
  for (const auto& [k, v] : r.headers) q.headers[k] = v;
  q.body = r.body;
  return q;
}

// gzip at the fastest level when asked (Salesforce answers gzip; the content type below keeps
// httplib from compressing again, with brotli at its slowest setting). A cut point scales along.
void encode(const httplib::Request& hreq, Resp& r, long* cut) {
  if (r.no_body || r.body.empty() || !accepts_gzip(hreq.get_header_value("Accept-Encoding"))) return;
  std::string z = gzip(r.body);
  if (z.empty()) return;
  if (*cut >= 0) *cut = static_cast<long>(z.size() * static_cast<std::size_t>(*cut) / r.body.size());
  r.body = std::move(z);
  r.headers.emplace_back("Content-Encoding", "gzip");
}

}  // namespace

std::int64_t now_ms() { return Timestamp::now().ms(); }

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::strtol(std::string(s.substr(i + 1, 2)).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t amp = body.find('&', start);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view pair = body.substr(start, amp - start);
    std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      out[url_decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
    }
    start = amp + 1;
  }
  return out;
}

Resp json_resp(int status, std::string body) {
  Resp r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Resp error_resp(int status, std::string_view code, std::string_view message) {
  JsonWriter w;
  w.begin_array();
  w.begin_object();
  w.kv("message", message);
  w.kv("errorCode", code);
  w.end_object();
  w.end_array();
  return json_resp(status, w.take());
}

Resp error_resp(const Error& e) {
  return error_resp(e.http_status ? e.http_status : 400, e.api_code.empty() ? "UNKNOWN_EXCEPTION" : e.api_code,
                    e.message);
}

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options) {
  auto org = !options.generate.empty() ? generate_org(options.generate) : load_org_file(options.org_file);
  if (!org) return org.error();
  std::unique_ptr<Server> s(new Server());
  s->impl_ = std::make_unique<Impl>();
  Impl& im = *s->impl_;
  im.opts = options;
  im.org = std::move(*org);
  im.faults = options.faults;
  if (options.latency_ms) im.faults.latency_ms = options.latency_ms;
  im.rng.seed(options.seed);
  for (const auto& [token, username] : options.fixed_tokens) {
    int u = im.org.user_row(username);
    if (u < 0) return make_error(ErrorCode::kInvalidArgument, "--token: unknown user " + username);
    im.tokens[token] = TokenInfo{static_cast<std::uint32_t>(u), INT64_MAX, 0, "fixed"};
  }
  im.http = std::make_unique<httplib::Server>();
  // httplib holds a thread per open keep-alive connection, and its default pool has 8: a
  // client with 8 fetchers and one idle connection would wait for a thread until the idle one
  // timed out. Salesforce serves far more connections at once than any client opens here.
  im.http->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  auto handler = [&im](const httplib::Request& hreq, httplib::Response& hres) {
    long cut = -1;
    int delay_ms = 0;
    Resp r = im.handle(to_req(hreq), &cut, &delay_ms);
    encode(hreq, r, &cut);
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));  // unlocked
    hres.status = r.status;
    for (const auto& [k, v] : r.headers) hres.set_header(k, v);
    if (cut >= 0) {
      auto body = std::make_shared<std::string>(std::move(r.body));
      std::size_t keep = static_cast<std::size_t>(cut);
      hres.set_content_provider(body->size(), r.content_type,
                                [body, keep](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                  if (offset >= keep) return false;
                                  sink.write(body->data() + offset, std::min(length, keep - offset));
                                  return true;
                                });
      return;
    }
    if (!r.no_body) hres.set_content(r.body, r.content_type);
  };
  const char* kAll = R"(/.*)";
  im.http->Get(kAll, handler);
  im.http->Post(kAll, handler);
  im.http->Patch(kAll, handler);
  im.http->Delete(kAll, handler);
  im.http->Put(kAll, handler);
  im.http->set_keep_alive_max_count(1000);
  im.http->set_tcp_nodelay(true);  // headers and body go out in two writes: no Nagle stall
  im.http->set_payload_max_length(64u << 20);
  im.port = options.port ? (im.http->bind_to_port("127.0.0.1", options.port) ? options.port : -1)
                         : im.http->bind_to_any_port("127.0.0.1");
  if (im.port <= 0) return make_error(ErrorCode::kTransport, fmt::format("cannot bind 127.0.0.1:{}", options.port));
  im.thread = std::thread([&im] { im.http->listen_after_bind(); });
  while (!im.http->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return s;
}

Server::~Server() { stop(); }

void Server::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  if (!impl_->thread.joinable()) return;  // start() failed before serving
  impl_->http->stop();
  impl_->thread.join();
}

int Server::port() const { return impl_->port; }
std::string Server::base_url() const { return impl_->base_url(); }
Org& Server::org() { return impl_->org; }
std::unique_lock<std::mutex> Server::lock() { return std::unique_lock<std::mutex>(impl_->mu); }

std::vector<WriteLogEntry> Server::write_log() const {
  std::lock_guard<std::mutex> g(impl_->mu);
  return impl_->org.write_log;
}

void Server::set_faults(const FaultOptions& f) {
  std::lock_guard<std::mutex> g(impl_->mu);
  impl_->faults = f;
  impl_->reset_fault_state();
}

FaultStats Server::fault_stats() const {
  std::lock_guard<std::mutex> g(impl_->mu);
  return impl_->stats;
}

void Server::expire_tokens() {
  std::lock_guard<std::mutex> g(impl_->mu);
  for (auto& [t, info] : impl_->tokens) info.expires_ms = 0;
}

void Server::expire_locators() {
  std::lock_guard<std::mutex> g(impl_->mu);
  impl_->queries.expire_all();
}

std::string Server::Impl::limit_info() const {
  return fmt::format("api-usage={}/{}", org.api_calls, org.api_max);
}

std::string Server::Impl::new_token() {
  static constexpr std::string_view kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  std::string t = org.org_id.substr(0, 15) + "!AQ";
  for (int i = 0; i < 96; ++i) t += kChars[rng() % kChars.size()];
  return t;
}

bool Server::Impl::locked(const std::string& id) const {
  for (const auto& l : faults.lock_records) {
    if (!l.empty() && id.rfind(l.substr(0, 15), 0) == 0) return true;
  }
  return false;
}

std::optional<Session> Server::Impl::authenticate(const Req& req, Resp* fail) {
  auto it = req.headers.find("Authorization");
  std::string token;
  if (it != req.headers.end()) {
    std::string v = it->second;
    for (std::string_view p : {"Bearer ", "OAuth "}) {
      if (v.rfind(p, 0) == 0) token = v.substr(p.size());
    }
  }
  auto t = tokens.find(token);
  bool dead = t == tokens.end() || t->second.expires_ms < now_ms() ||
              (faults.token_expire_after > 0 && t->second.calls >= faults.token_expire_after);
  if (dead) {
    *fail = error_resp(401, "INVALID_SESSION_ID", "Session expired or invalid");
    fail->headers.emplace_back("WWW-Authenticate", "Token");
    return std::nullopt;
  }
  ++t->second.calls;
  return Session{t->second.user, token};
}

Resp Server::Impl::handle(const Req& req, long* cut, int* delay_ms) {
  bool api = req.path.rfind("/services/data/v", 0) == 0;
  if (api && faults.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(faults.latency_ms));
  std::lock_guard<std::mutex> g(mu);
  if (req.path.rfind("/__emu/", 0) == 0) return control(req);
  if (req.path == "/services/oauth2/token") return token_endpoint(req, cut);
  if (req.path == "/services/oauth2/userinfo") return oauth_userinfo(req);
  if (req.path == "/services/oauth2/revoke") return oauth_revoke(req);
  if (req.path.rfind("/id/", 0) == 0) return identity(req, req.path.substr(4));
  if (req.path == "/services/data" || req.path == "/services/data/") {
    JsonWriter w;
    w.begin_array();
    for (int v = 58; v <= 66; ++v) {
      w.begin_object();
      w.kv("label", fmt::format("Release {}", v));
      w.kv("url", fmt::format("/services/data/v{}.0", v));
      w.kv("version", fmt::format("{}.0", v));
      w.end_object();
    }
    w.end_array();
    return json_resp(200, w.take());
  }
  if (!api) return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
  std::uint64_t n = ++fault_calls;
  if (std::int64_t day = now_ms() / 86400000; day != org.api_day) {
    org.api_day = day;  // the daily allocation starts again each UTC day
    org.api_calls = 0;
  }
  Resp r;
  if (burst_left > 0 || fault_hits(faults.seed, 1, n, faults.burst_503_every)) {
    burst_left = burst_left > 0 ? burst_left - 1 : std::max(0, faults.burst_503_length - 1);
    r = error_resp(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable. Please try again.");
  } else if (faults.limit_after > 0 && org.api_calls >= faults.limit_after) {
    r = error_resp(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  } else if (auto s = authenticate(req, &r)) {
    ++org.api_calls;
    std::string rest = req.path.substr(15);
    auto slash = rest.find('/');
    std::string version = rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
    r = data(req, *s, version, rest);
  }
  r.headers.emplace_back("Sforce-Limit-Info", limit_info());
  if (fault_hits(faults.seed, 2, n, faults.reset_every)) *cut = 0;
  else if (fault_hits(faults.seed, 3, n, faults.truncate_every)) *cut = static_cast<long>(r.body.size() / 2);
  else if (r.status == 200 && fault_hits(faults.seed, 5, n, faults.malformed_every)) {
    malform(r, n);
    ++stats.malformed;
  }
  if (fault_hits(faults.seed, 4, n, faults.spike_every)) {
    *delay_ms = faults.spike_ms;
    ++stats.spikes;
  }
  return r;
}

Resp Server::Impl::limits() {
  JsonWriter w;
  w.begin_object();
  auto entry = [&](std::string_view name, std::int64_t max, std::int64_t remaining) {
    w.key(name);
    w.begin_object();
    w.kv_int("Max", max);
    w.kv_int("Remaining", remaining);
    w.end_object();
  };
  entry("ConcurrentAsyncGetReportInstances", 200, 200);
  entry("DailyApiRequests", org.api_max, std::max<std::int64_t>(0, org.api_max - org.api_calls));
  entry("DailyBulkApiRequests", 5000, 5000);
  entry("DataStorageMB", 1024, 1000);
  entry("HourlyODataCallout", 10000, 10000);
  w.end_object();
  return json_resp(200, w.take());
}

Resp Server::Impl::data(const Req& req, const Session& s, const std::string& version, const std::string& rest) {
  auto batch = [&](int fallback) {
    auto it = req.headers.find("Sforce-Query-Options");
    if (it == req.headers.end()) return fallback;
    auto pos = it->second.find("batchSize=");
    if (pos == std::string::npos) return fallback;
    return std::clamp(std::atoi(it->second.c_str() + pos + 10), 200, 2000);
  };
  if (rest.empty()) {
    JsonWriter w;
    w.begin_object();
    for (const char* k : {"sobjects", "query", "queryAll", "limits", "composite"}) {
      w.kv(k, fmt::format("/services/data/{}/{}", version, k));
    }
    w.end_object();
    return json_resp(200, w.take());
  }
  std::string ver = version.substr(1);
  if (rest == "limits" || rest == "limits/") return limits();
  if ((rest == "query" || rest == "queryAll" || rest == "query/" || rest == "queryAll/") && req.method == "GET") {
    auto r = queries.run(org, req.param("q"), rest.rfind("queryAll", 0) == 0, batch(2000), ver, now_ms());
    return r ? json_resp(200, std::move(*r)) : error_resp(r.error());
  }
  if ((rest.rfind("query/", 0) == 0 || rest.rfind("queryAll/", 0) == 0) && req.method == "GET") {
    std::string loc = rest.substr(rest.find('/') + 1);
    if (faults.expire_locators) return error_resp(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    auto r = queries.more(org, loc, batch(0), ver, now_ms());
    return r ? json_resp(200, std::move(*r)) : error_resp(r.error());
  }
  if (rest == "composite" && req.method == "POST") return composite(req, s, ver);
  if (rest.rfind("composite/sobjects", 0) == 0) return collections(req, s, rest.substr(18), ver);
  if (rest == "sobjects" || rest == "sobjects/") return describe_global(ver);
  if (rest.rfind("sobjects/", 0) == 0) {
    std::string tail = rest.substr(9);
    auto slash = tail.find('/');
    std::string type = tail.substr(0, slash);
    std::string more = slash == std::string::npos ? "" : tail.substr(slash + 1);
    if (more == "describe" || more == "describe/") return describe(type, ver);
    if (more.empty() && req.method == "POST") return sobject_create(req, s, type);
    if (!more.empty()) return sobject_row(req, s, type, more, ver);
    return describe(type, ver);
  }
  return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
}

}  // namespace sfrewind::emu
