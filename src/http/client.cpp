// HttpClient: libcurl transfers with retries, backoff, API-usage tracking and budget stops.
#include <sfrewind/http/client.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include <curl/curl.h>
#include <fmt/format.h>

#include <sfrewind/version.hpp>

#include "http/curl_handles.hpp"

namespace sfrewind::http {
namespace {

using Clock = std::chrono::steady_clock;

// libcurl write callback: appends to a std::string; never lets an exception escape into C.
size_t write_body(char* data, size_t size, size_t count, void* user) noexcept {
  try {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
  } catch (...) {
    return 0;  // aborts the transfer
  }
}

// libcurl header callback: keeps "Name: value" lines of the last response.
size_t write_header(char* data, size_t size, size_t count, void* user) noexcept {
  try {
    std::string_view line(data, size * count);
    auto* headers = static_cast<Headers*>(user);
    if (line.starts_with("HTTP/")) {
      *headers = Headers();  // a new response (after 100 Continue or a proxy CONNECT)
      return size * count;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return size * count;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    headers->add(std::string(line.substr(0, colon)), std::string(value));
    return size * count;
  } catch (...) {
    return 0;
  }
}

// The URL without its query string, for traces (queries may carry record data).
std::string trace_url(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

// True when the request never left: resending it cannot apply it twice.
bool before_send(CURLcode rc) {
  return rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
         rc == CURLE_SSL_CONNECT_ERROR;
}

bool retryable_curl(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

// An attempt's outcome: a response, or a libcurl failure.
struct Attempt {
  CURLcode rc = CURLE_OK;
  std::string error;
  Response response;
};

}  // namespace

struct HttpClient::Impl {
  HttpOptions options;
  CurlEasy easy;
  std::optional<ApiUsage> usage;
  std::int64_t attempts = 0;
  std::mt19937_64 rng{std::random_device{}()};
  std::string spare_body;  // a recycled body buffer, reused by the next response

  void trace(TraceEvent::Kind kind, std::string message) const {
    if (options.trace) options.trace(TraceEvent{kind, std::move(message)});
  }

  Status set_options(const Request& request, CurlHeaders& headers, Attempt& out,
                     char* errbuf);
  Attempt perform(const Request& request);
  std::optional<Error> over_budget() const;
  std::chrono::milliseconds backoff(int attempt, const Response* response);
  Result<Response> send(const Request& request);
};

Status HttpClient::Impl::set_options(const Request& request, CurlHeaders& headers, Attempt& out,
                                     char* errbuf) {
  CURL* h = easy.get();
  const CurlApi& c = curl_api();
  c.easy_reset(h);  // keeps the connection cache: keep-alive survives
  c.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  c.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  c.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  c.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  c.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  c.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (options.compress_loopback || !is_loopback_url(request.url)) {
    c.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
  }
  c.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  c.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  if (!options.no_proxy.empty()) c.easy_setopt(h, CURLOPT_NOPROXY, options.no_proxy.c_str());
  c.easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  c.easy_setopt(h, CURLOPT_WRITEDATA, &out.response.body);
  c.easy_setopt(h, CURLOPT_HEADERFUNCTION, write_header);
  c.easy_setopt(h, CURLOPT_HEADERDATA, &out.response.headers);
  std::string agent = fmt::format("sfrewind/{}", kVersion);
  c.easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());  // libcurl copies strings
  for (const auto& [name, value] : request.headers.fields()) {
    if (auto s = headers.append(name + ": " + value); !s) return s;
  }
  if (auto s = headers.append("Sforce-Call-Options: client=" + agent); !s) return s;
  if (auto s = headers.append("Expect:"); !s) return s;
  c.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (request.method == Method::kGet) {
    c.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method != Method::kPost) {
      c.easy_setopt(h, CURLOPT_CUSTOMREQUEST, std::string(method_name(request.method)).c_str());
    }
    if (request.method != Method::kDelete || !request.body.empty()) {
      c.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      c.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  return ok();
}

Attempt HttpClient::Impl::perform(const Request& request) {
  Attempt out;
  out.response.body.swap(spare_body);
  out.response.body.clear();
  char errbuf[CURL_ERROR_SIZE] = {0};
  CurlHeaders headers;
  if (auto s = set_options(request, headers, out, errbuf); !s) {
    out.rc = CURLE_OUT_OF_MEMORY;
    out.error = s.error().message;
    return out;
  }
  ++attempts;
  const CurlApi& c = curl_api();
  out.rc = c.easy_perform(easy.get());
  if (out.rc != CURLE_OK) {
    out.error = errbuf[0] != 0 ? std::string(errbuf) : c.easy_strerror(out.rc);
    return out;
  }
  long status = 0;
  c.easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  out.response.status = static_cast<int>(status);
  return out;
}

std::optional<Error> HttpClient::Impl::over_budget() const {
  if (options.api_budget_pct <= 0 || !usage) return std::nullopt;
  // Stop when one more call would pass the share of the daily allocation.
  if ((usage->used + 1) * 100 <= usage->max * options.api_budget_pct) return std::nullopt;
  Error e = make_error(ErrorCode::kRateLimited,
                       fmt::format("API budget reached: the org has used {} of {} daily API calls "
                                   "and the budget is {}%",
                                   usage->used, usage->max, options.api_budget_pct));
  return e;
}

std::chrono::milliseconds HttpClient::Impl::backoff(int attempt, const Response* response) {
  auto base = options.retry.base_delay.count();
  auto cap = std::max<std::int64_t>(options.retry.max_delay.count(), 0);
  std::int64_t delay = base;
  for (int i = 1; i < attempt && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  // Equal jitter: half fixed, half random, so parallel clients spread out.
  std::uniform_int_distribution<std::int64_t> dist(0, std::max<std::int64_t>(delay / 2, 0));
  std::int64_t wait = delay - delay / 2 + dist(rng);
  if (response != nullptr) {
    if (auto ra = response->headers.get("Retry-After")) {
      std::int64_t seconds = 0;
      for (char c : *ra) {
        if (c < '0' || c > '9') break;
        seconds = seconds * 10 + (c - '0');
      }
      wait = std::max(wait, std::min(seconds * 1000, cap));
    }
  }
  return std::chrono::milliseconds(wait);
}

Result<Response> HttpClient::Impl::send(const Request& request) {
  if (auto s = check_url_allowed(request.url); !s) return s.error();
  const int max_attempts = std::max(options.retry.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    if (auto e = over_budget()) {
      trace(TraceEvent::Kind::kStop, e->message);
      return *e;
    }
    trace(TraceEvent::Kind::kRequest,
          fmt::format("{} {}", method_name(request.method), trace_url(request.url)));
    auto start = Clock::now();
    Attempt a = perform(request);
    std::string why;
    if (a.rc != CURLE_OK) {
      why = fmt::format("{}", a.error);
      bool replay = request.method == Method::kGet || request.replay_safe || before_send(a.rc);
      if (!retryable_curl(a.rc) || !replay || attempt >= max_attempts) {
        ErrorCode code =
            a.rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kTransport;
        return make_error(code, fmt::format("{} {}: {} (after {} attempt{})",
                                            method_name(request.method), trace_url(request.url),
                                            a.error, attempt, attempt == 1 ? "" : "s"));
      }
    } else {
      Response& r = a.response;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      trace(TraceEvent::Kind::kResponse,
            fmt::format("HTTP {} ({} bytes, {} ms)", r.status, r.body.size(), ms.count()));
      if (auto info = r.headers.get("Sforce-Limit-Info")) {
        if (auto u = parse_limit_info(*info)) usage = u;
      }
      if (r.status == 403 && r.body.find("REQUEST_LIMIT_EXCEEDED") != std::string::npos) {
        Error e = make_error(ErrorCode::kRateLimited,
                             "Salesforce refused the call: REQUEST_LIMIT_EXCEEDED (API limit)");
        e.http_status = 403;
        e.api_code = "REQUEST_LIMIT_EXCEEDED";
        trace(TraceEvent::Kind::kStop, e.message);
        return e;
      }
      // Only a request refused as a whole is resent on a row lock: a 2xx answer may carry it for
      // some records of a partial save whose other records were written.
      bool lock = r.status >= 400 && r.body.find("UNABLE_TO_LOCK_ROW") != std::string::npos;
      if ((r.status < 500 && !lock) || attempt >= max_attempts) return std::move(r);
      why = lock ? "UNABLE_TO_LOCK_ROW" : fmt::format("HTTP {}", r.status);
    }
    auto wait = backoff(attempt, a.rc == CURLE_OK ? &a.response : nullptr);
    trace(TraceEvent::Kind::kRetry, fmt::format("retry {}/{} in {} ms after {}", attempt + 1,
                                                max_attempts, wait.count(), why));
    std::this_thread::sleep_for(wait);
  }
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

Result<HttpClient> HttpClient::make(HttpOptions options) {
  auto easy = make_curl_easy();
  if (!easy) return easy.error();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->easy = std::move(*easy);
  return HttpClient(std::move(impl));
}

Result<Response> HttpClient::send(const Request& request) { return impl_->send(request); }

void HttpClient::recycle(std::string body) {
  if (body.capacity() > impl_->spare_body.capacity()) impl_->spare_body = std::move(body);
}
std::optional<ApiUsage> HttpClient::api_usage() const { return impl_->usage; }
std::int64_t HttpClient::attempts() const { return impl_->attempts; }
const HttpOptions& HttpClient::options() const { return impl_->options; }

}  // namespace sfrewind::http
