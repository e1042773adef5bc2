// HttpClient: one keep-alive HTTPS connection with timeouts, gzip, retries and API-usage tracking.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sfrewind/error.hpp>

namespace sfrewind::http {

enum class Method { kGet, kPost, kPatch, kPut, kDelete };

// "GET", "POST", ...
std::string_view method_name(Method method);

// An ordered list of header fields with case-insensitive lookup.
// Thread-safety: a value type.
class Headers {
 public:
  // Replaces every field called `name` (any case) by one with `value`.
  void set(std::string_view name, std::string value);
  // Appends a field, keeping earlier ones of the same name.
  void add(std::string name, std::string value);
  // The value of the first field called `name` (any case); the view lives as long as this
  // object is not modified.
  std::optional<std::string_view> get(std::string_view name) const;
  bool empty() const { return fields_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  Method method = Method::kGet;
  std::string url;  // absolute: https://host/path, or http:// to a loopback host
  Headers headers;
  std::string body;
  // A non-GET request is sent again after a failure once it may have reached the server (reset,
  // truncated answer, timeout) only when this is set: a resent write may be applied twice.
  bool replay_safe = false;
};

// Any HTTP status is data here; the api layer maps non-2xx to errors.
struct Response {
  int status = 0;
  Headers headers;
  std::string body;
};

// The org's rolling 24 h API usage from `Sforce-Limit-Info: api-usage=N/M`.
struct ApiUsage {
  std::int64_t used = 0;
  std::int64_t max = 0;
};

// Parses a Sforce-Limit-Info value ("api-usage=25/15000; api-bursts=1/750"); nullopt when
// it carries no api-usage.
std::optional<ApiUsage> parse_limit_info(std::string_view value);

struct RetryPolicy {
  int max_attempts = 5;                          // total tries per request, >= 1
  std::chrono::milliseconds base_delay{500};     // first backoff, doubled each retry
  std::chrono::milliseconds max_delay{30'000};   // cap of one backoff (jitter included)
};

// One line for verbose logs. Never carries Authorization headers, tokens or secrets; URLs
// have their query strings cut.
struct TraceEvent {
  enum class Kind { kRequest, kResponse, kRetry, kStop };
  Kind kind = Kind::kRequest;
  std::string message;
};
using TraceFn = std::function<void(const TraceEvent&)>;

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{120'000};  // per attempt
  RetryPolicy retry;
  // Stop with kRateLimited before the org's daily API usage passes this share (1-100); 0 = off.
  int api_budget_pct = 0;
  // Hosts that bypass any proxy (CURLOPT_NOPROXY); tests use "*". Empty = libcurl's default.
  std::string no_proxy;
  // Ask for gzip answers from loopback hosts too. The CLI turns it off: compressing on the same
  // machine only costs CPU at both ends (a local sfrewind-emu); remote hosts always get gzip.
  bool compress_loopback = true;
  TraceFn trace;  // optional
};

// Sends requests over one reused libcurl easy handle (keep-alive). Every request carries
// `Sforce-Call-Options: client=sfrewind/<version>` and `Accept-Encoding: gzip` (see
// compress_loopback). TLS verification is always on; http:// is refused unless the host is
// loopback.
// Retries with exponential backoff and jitter on transport errors, HTTP 5xx and
// UNABLE_TO_LOCK_ROW bodies; after the last try a 5xx response is returned as data.
// Thread-safety: not thread-safe; use one client per thread. Movable, not copyable.
class HttpClient {
 public:
  // Returns kInternal when libcurl cannot make a handle.
  static Result<HttpClient> make(HttpOptions options = {});

  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // Sends `request` and returns the final response (any status).
  // Errors: kInvalidArgument (URL refused, before any connection), kTransport, kTimeout (after
  // the retries), kRateLimited (403 REQUEST_LIMIT_EXCEEDED, or the API budget would be
  // passed; http_status and api_code set when the server said so).
  Result<Response> send(const Request& request);
  // Hands back a response body once read: the next response is written into its buffer, so a
  // client fetching page after page does not map and fault in a fresh one each time.
  void recycle(std::string body);

  // The latest usage seen in any response, if one carried Sforce-Limit-Info.
  std::optional<ApiUsage> api_usage() const;
  // HTTP exchanges attempted so far (retries included).
  std::int64_t attempts() const;
  const HttpOptions& options() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Returns ok for https:// URLs and for http:// to 127.0.0.0/8, ::1 or localhost;
// kInvalidArgument otherwise (other schemes, missing host, plain http to any other host).
Status check_url_allowed(std::string_view url);
// True when the URL's host is localhost, ::1 or 127.0.0.0/8.
bool is_loopback_url(std::string_view url);

// Percent-encodes `s` for a URL query or form value (RFC 3986 unreserved kept, space -> %20).
std::string url_encode(std::string_view s);

// `a=1&b=2` with every name and value url_encode()d.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace sfrewind::http
