// RestClient: the Salesforce REST API (query, describe, limits, rows, collections, composite).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sfrewind/api/composite.hpp>
#include <sfrewind/api/records.hpp>
#include <sfrewind/auth/token_provider.hpp>
#include <sfrewind/error.hpp>
#include <sfrewind/http/client.hpp>

namespace sfrewind::api {

struct RestOptions {
  std::string api_version = "62.0";
  http::HttpOptions http;
};

class RestClient;

// Yields the pages of one query, one GET per page: the first `/query?q=` (or `/queryAll`),
// then each nextRecordsUrl. Holds a pointer to its RestClient, which must outlive it.
// Thread-safety: as its RestClient (not thread-safe).
class QueryPager {
 public:
  // True until the page with done:true has been returned.
  bool has_next() const { return !finished_; }
  // The URL the next page will be fetched from ("" before the first page).
  const std::string& next_url() const { return next_url_; }

  // The next page, decoded generically / as history rows of `object` (org_id fills each row).
  // A page that does not decode is fetched again (a GET), up to the retry policy's attempts.
  // REQUIRES: has_next(). Errors as RestClient::call, plus kParse.
  Result<RecordPage> next_records();
  // `reuse`: a spent page's rows, written over (their buffers kept); nothing of them remains.
  Result<HistoryPage> next_history(const HistoryObject& object, std::string_view org_id,
                                   std::vector<HistoryRow> reuse = {});

 private:
  friend class RestClient;
  QueryPager(RestClient* client, std::string first_url, int batch_size)
      : client_(client), first_url_(std::move(first_url)), batch_size_(batch_size) {}
  Result<http::Response> fetch();

  RestClient* client_;
  std::string first_url_;
  std::string next_url_;
  int batch_size_;
  bool finished_ = false;
  bool started_ = false;
};

// Talks to one org over one HttpClient, authenticating with a shared TokenProvider: on a 401
// it asks the provider for a new token once and retries the call.
// Non-2xx answers become Errors with http_status and api_code: 401 kUnauthorized,
// 403 REQUEST_LIMIT_EXCEEDED kRateLimited, other JSON error bodies kApi, the rest kHttp.
// The typed GETs (query pages, describe, limits, get_record) fetch again when a 2xx body does
// not decode; call() and the writes never do (a write's answer may be lost, not its effect).
// Thread-safety: not thread-safe (one per thread; the TokenProvider may be shared).
// Movable, not copyable.
class RestClient {
 public:
  static Result<RestClient> make(std::shared_ptr<auth::TokenProvider> tokens,
                                 RestOptions options = {});

  RestClient(RestClient&&) noexcept;
  RestClient& operator=(RestClient&&) noexcept;
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;
  ~RestClient();

  // A pager over `soql`; `all` uses queryAll (deleted and archived rows too); `batch_size`
  // 200-2000 sends Sforce-Query-Options (0 = server default). No call is made yet.
  QueryPager query(std::string_view soql, bool all = false, int batch_size = 0);
  // A pager that starts at a saved nextRecordsUrl.
  QueryPager resume(std::string next_records_url);

  // GET /sobjects/<name>/describe.
  Result<SObjectDescribe> describe(std::string_view sobject);
  // describe() of each of `sobjects`, on up to `jobs` connections at once (this one and new ones
  // sharing its token provider and options): one round trip of latency for a few objects.
  // Answers in the order asked; the first failure (with "describe <name>" context) wins. The
  // new connections' exchanges count in attempts().
  Result<std::vector<SObjectDescribe>> describe(std::span<const std::string> sobjects,
                                                int jobs = 4);
  // GET /sobjects.
  Result<std::vector<GlobalSObject>> describe_global();
  // GET /limits.
  Result<Limits> limits();
  // GET /sobjects/<name>/<id>?fields=a,b (fields validated; empty = all).
  Result<Record> get_record(std::string_view sobject, std::string_view id,
                            const std::vector<std::string>& fields);
  // PATCH /composite/sobjects with at most 200 records; per-record outcomes in request order.
  Result<std::vector<RecordOutcome>> update_records(const std::vector<CollectionRecord>& records,
                                                    bool all_or_none = false);
  // POST /composite.
  Result<std::vector<CompositeSubresponse>> composite(const CompositeRequest& request);

  // An authenticated call to `path_or_url` (a /services/... path on the instance, or an
  // absolute URL there) with a JSON body. Returns the 2xx response; maps the rest to Errors.
  Result<http::Response> call(http::Method method, std::string_view path_or_url,
                              std::string_view body = {}, const http::Headers& extra = {});

  // "/services/data/v62.0".
  std::string data_path() const;
  // The current token with its org and user ids (logging in on first use).
  Result<auth::Token> token();
  std::optional<http::ApiUsage> api_usage() const;
  // HTTP exchanges so far (retries included).
  std::int64_t attempts() const;

 private:
  friend class QueryPager;
  struct Impl;
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfrewind::api
