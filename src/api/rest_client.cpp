// RestClient: authenticated calls with one refresh on 401, error mapping and typed endpoints.
#include <sfrewind/api/rest_client.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>

#include "api/json.hpp"

namespace sfrewind::api {

struct RestClient::Impl {
  std::shared_ptr<auth::TokenProvider> tokens;
  RestOptions options;
  http::HttpClient http;
  JsonParser parser;
  std::int64_t sibling_attempts = 0;  // exchanges of the extra connections describe() opened

  Result<http::Response> send_once(const auth::Token& token, http::Method method,
                                   const std::string& url, std::string_view body,
                                   const http::Headers& extra);
  Error map_error(const http::Response& r);

  // Runs fetch() (a GET) and decode(body) until the body decodes. A 2xx answer whose body is
  // not valid JSON (a proxy's page, a broken document) is fetched again like a 5xx would be,
  // up to the retry policy's attempts: a GET changes nothing, so asking again is safe.
  template <class Fetch, class Decode>
  auto fetch_decoded(Fetch&& fetch, Decode&& decode) -> decltype(decode(std::string_view()));
};

namespace {

std::string absolute(const std::string& instance, std::string_view path_or_url) {
  if (path_or_url.starts_with("https://") || path_or_url.starts_with("http://")) {
    return std::string(path_or_url);
  }
  return instance + std::string(path_or_url);
}

}  // namespace

Result<http::Response> RestClient::Impl::send_once(const auth::Token& token, http::Method method,
                                                   const std::string& url, std::string_view body,
                                                   const http::Headers& extra) {
  http::Request req;
  req.method = method;
  req.url = url;
  req.headers = extra;
  req.headers.set("Authorization", "Bearer " + token.access_token);
  req.headers.set("Accept", "application/json");
  if (!body.empty()) req.headers.set("Content-Type", "application/json");
  req.body = std::string(body);
  return http.send(req);
}

Error RestClient::Impl::map_error(const http::Response& r) {
  Error e;
  e.http_status = r.status;
  auto errors = parser.api_errors(r.body);
  std::string detail;
  if (errors && !errors->empty()) {
    e.api_code = (*errors)[0].error_code;
    detail = (*errors)[0].message;
  }
  if (auto ra = r.headers.get("Retry-After")) {
    int s = 0;
    for (char c : *ra) {
      if (c < '0' || c > '9') break;
      s = s * 10 + (c - '0');
    }
    e.retry_after_s = s;
  }
  if (r.status == 401) {
    e.code = ErrorCode::kUnauthorized;
  } else if (r.status == 403 && e.api_code == "REQUEST_LIMIT_EXCEEDED") {
    e.code = ErrorCode::kRateLimited;
  } else {
    e.code = e.api_code.empty() ? ErrorCode::kHttp : ErrorCode::kApi;
  }
  e.message = fmt::format("HTTP {}", r.status);
  if (!e.api_code.empty()) e.message += ": " + e.api_code;
  if (!detail.empty()) e.message += ": " + detail;
  return e;
}

template <class Fetch, class Decode>
auto RestClient::Impl::fetch_decoded(Fetch&& fetch, Decode&& decode)
    -> decltype(decode(std::string_view())) {
  const int attempts = std::max(options.http.retry.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    Result<http::Response> r = fetch();
    if (!r) return r.error();
    auto decoded = decode(std::string_view(r->body));
    http.recycle(std::move(r->body));
    if (decoded || decoded.error().code != ErrorCode::kParse || attempt >= attempts) {
      return decoded;
    }
    if (options.http.trace) {
      options.http.trace(http::TraceEvent{
          http::TraceEvent::Kind::kRetry,
          fmt::format("retry {}/{} after an undecodable answer ({})", attempt + 1, attempts,
                      decoded.error().message)});
    }
    std::this_thread::sleep_for(options.http.retry.base_delay);
  }
}

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RestClient::RestClient(RestClient&&) noexcept = default;
RestClient& RestClient::operator=(RestClient&&) noexcept = default;
RestClient::~RestClient() = default;

Result<RestClient> RestClient::make(std::shared_ptr<auth::TokenProvider> tokens,
                                    RestOptions options) {
  if (!tokens) return make_error(ErrorCode::kInvalidArgument, "no token provider");
  auto http = http::HttpClient::make(options.http);
  if (!http) return http.error();
  auto impl = std::unique_ptr<Impl>(
      new Impl{std::move(tokens), std::move(options), std::move(*http), JsonParser(), 0});
  return RestClient(std::move(impl));
}

constexpr int kMaxRefreshes = 3;

Result<http::Response> RestClient::call(http::Method method, std::string_view path_or_url,
                                        std::string_view body, const http::Headers& extra) {
  auto token = impl_->tokens->token();
  if (!token) return token.error();
  std::string url = absolute(token->instance_url, path_or_url);
  if (!url.starts_with(token->instance_url + "/")) {  // never send the token to another host
    return make_error(ErrorCode::kInvalidArgument, "URL is not on the org's instance");
  }
  auto r = impl_->send_once(*token, method, url, body, extra);
  if (!r) return r.error();
  // A 401 is answered before anything is done, so sending again is safe. Parallel connections
  // share the token: the one a retry gets may already be dead again, so retry while each
  // attempt carries a newer token, a few times at most.
  std::string rejected = token->access_token;
  for (int refreshes = 0; r->status == 401 && refreshes < kMaxRefreshes; ++refreshes) {
    auto fresh = impl_->tokens->refresh(rejected);
    if (!fresh) return fresh.error();
    if (refreshes > 0 && fresh->access_token == rejected) break;
    rejected = fresh->access_token;
    url = absolute(fresh->instance_url, path_or_url);
    r = impl_->send_once(*fresh, method, url, body, extra);
    if (!r) return r.error();
  }
  if (r->status < 200 || r->status >= 300) return impl_->map_error(*r);
  return r;
}

std::string RestClient::data_path() const {
  return "/services/data/v" + impl_->options.api_version;
}

QueryPager RestClient::query(std::string_view soql, bool all, int batch_size) {
  std::string url = data_path() + (all ? "/queryAll?q=" : "/query?q=") + http::url_encode(soql);
  return QueryPager(this, std::move(url), batch_size);
}

QueryPager RestClient::resume(std::string next_records_url) {
  QueryPager p(this, std::move(next_records_url), 0);
  return p;
}

Result<http::Response> QueryPager::fetch() {
  if (finished_) return make_error(ErrorCode::kInternal, "query pager has no more pages");
  const std::string& url = started_ ? next_url_ : first_url_;
  http::Headers extra;
  if (batch_size_ > 0) extra.set("Sforce-Query-Options", fmt::format("batchSize={}", batch_size_));
  return client_->call(http::Method::kGet, url, {}, extra);
}

Result<RecordPage> QueryPager::next_records() {
  RestClient::Impl& c = *client_->impl_;
  auto page = c.fetch_decoded([this] { return fetch(); },
                              [&c](std::string_view body) { return c.parser.record_page(body); });
  if (!page) return page.error();
  started_ = true;
  finished_ = page->info.done;
  next_url_ = page->info.next_records_url;
  return page;
}

Result<HistoryPage> QueryPager::next_history(const HistoryObject& object, std::string_view org_id,
                                             std::vector<HistoryRow> reuse) {
  RestClient::Impl& c = *client_->impl_;
  auto page = c.fetch_decoded([this] { return fetch(); }, [&](std::string_view body) {
    return c.parser.history_page(body, object, org_id, std::move(reuse));
  });
  if (!page) return page.error();
  started_ = true;
  finished_ = page->info.done;
  next_url_ = page->info.next_records_url;
  return page;
}

Result<SObjectDescribe> RestClient::describe(std::string_view sobject) {
  if (auto s = validate_identifier(sobject); !s) return s.error();
  std::string path = fmt::format("{}/sobjects/{}/describe", data_path(), sobject);
  return impl_->fetch_decoded([&] { return call(http::Method::kGet, path); },
                              [this](std::string_view body) { return impl_->parser.describe(body); });
}

Result<std::vector<SObjectDescribe>> RestClient::describe(std::span<const std::string> sobjects,
                                                          int jobs) {
  std::vector<std::optional<Result<SObjectDescribe>>> answers(sobjects.size());
  std::atomic<std::size_t> next{0};
  auto work = [&](RestClient& client) {
    for (std::size_t i = next++; i < sobjects.size(); i = next++) {
      answers[i] = client.describe(sobjects[i]);
    }
  };
  std::atomic<std::int64_t> sibling_attempts{0};
  std::vector<std::thread> threads;
  std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(std::max(jobs, 1)), sobjects.size());
  for (std::size_t t = 1; t < n; ++t) {
    threads.emplace_back([&] {
      auto sibling = make(impl_->tokens, impl_->options);
      if (!sibling) return;  // the other connections take its share
      work(*sibling);
      sibling_attempts += sibling->attempts();
    });
  }
  work(*this);
  for (std::thread& t : threads) t.join();
  impl_->sibling_attempts += sibling_attempts;
  std::vector<SObjectDescribe> out;
  out.reserve(sobjects.size());
  for (std::size_t i = 0; i < sobjects.size(); ++i) {
    if (!*answers[i]) return with_context(answers[i]->error(), "describe " + sobjects[i]);
    out.push_back(std::move(**answers[i]));
  }
  return out;
}

Result<std::vector<GlobalSObject>> RestClient::describe_global() {
  return impl_->fetch_decoded(
      [this] { return call(http::Method::kGet, data_path() + "/sobjects"); },
      [this](std::string_view body) { return impl_->parser.describe_global(body); });
}

Result<Limits> RestClient::limits() {
  return impl_->fetch_decoded(
      [this] { return call(http::Method::kGet, data_path() + "/limits"); },
      [this](std::string_view body) { return impl_->parser.limits(body); });
}

Result<Record> RestClient::get_record(std::string_view sobject, std::string_view id,
                                      const std::vector<std::string>& fields) {
  if (auto s = validate_identifier(sobject); !s) return s.error();
  auto rid = RecordId::parse(id);
  if (!rid) return rid.error();
  std::string path = fmt::format("{}/sobjects/{}/{}", data_path(), sobject, rid->str());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (auto s = validate_identifier(fields[i]); !s) return s.error();
    path += (i == 0 ? "?fields=" : ",") + fields[i];
  }
  return impl_->fetch_decoded([&] { return call(http::Method::kGet, path); },
                              [this](std::string_view body) { return impl_->parser.record(body); });
}

Result<std::vector<RecordOutcome>> RestClient::update_records(
    const std::vector<CollectionRecord>& records, bool all_or_none) {
  if (records.empty() || records.size() > 200) {
    return make_error(ErrorCode::kInvalidArgument, "a collection update takes 1 to 200 records");
  }
  auto r = call(http::Method::kPatch, data_path() + "/composite/sobjects",
                collection_body(records, all_or_none));
  if (!r) return r.error();
  return impl_->parser.record_outcomes(r->body);
}

Result<std::vector<CompositeSubresponse>> RestClient::composite(const CompositeRequest& request) {
  if (request.subrequests.empty() || request.subrequests.size() > 25) {
    return make_error(ErrorCode::kInvalidArgument, "a composite request takes 1 to 25 subrequests");
  }
  auto r = call(http::Method::kPost, data_path() + "/composite", composite_body(request));
  if (!r) return r.error();
  return impl_->parser.composite_response(r->body);
}

Result<auth::Token> RestClient::token() { return impl_->tokens->identity(); }
std::optional<http::ApiUsage> RestClient::api_usage() const { return impl_->http.api_usage(); }
std::int64_t RestClient::attempts() const {
  return impl_->http.attempts() + impl_->sibling_attempts;
}

}  // namespace sfrewind::api
