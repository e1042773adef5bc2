// The executor's wire work: re-read calls into live values, write calls into per-record results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/error.hpp>
#include <sfrewind/rollback/plan.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::rollback {

// One record as a re-read found it.
struct LiveRecord {
  bool exists = false;  // false: the GET collection answered null (deleted or unknown id)
  std::unordered_map<std::string, FieldValue> fields;
  std::optional<Timestamp> last_modified;
};

// Live records by record id.
using LiveMap = std::unordered_map<std::string, LiveRecord>;

// A failure on the way to or from the org (transport, timeout, an unreadable answer, 5xx after
// the HTTP retries): a re-read may be asked again; a write call never is, its batch re-reads.
bool transient_failure(const Error& e);

// Sends one re-read call (/composite of GET collection subrequests) and adds what it found to
// `live`. Counts the call in `calls`. Errors: call failures, kParse for unexpected bodies, kApi
// when a subrequest failed.
Status read_live(api::RestClient& client, const HttpCall& call, LiveMap& live,
                 std::int64_t& calls);

// The re-read calls for the given records of several objects: GET collections of at most 200 ids,
// at most 5 per /composite call. `fields` by sobject.
std::vector<HttpCall> reread_calls(
    std::string_view api_version,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& ids_by_sobject,
    const std::unordered_map<std::string, std::vector<std::string>>& fields);

// A JSON literal of a value, for journals and output ("null", "true", "12.5", "\"x\"").
std::string value_literal(const FieldValue& value);

// What the org said about one record of a write call.
struct WriteResult {
  enum class Kind { kOk, kFailed, kPrecondition };
  Kind kind = Kind::kFailed;
  std::string detail;  // "UNABLE_TO_LOCK_ROW: ..." for failures
};

// Sends one write call (/composite of collection PATCHes or guarded row PATCHes), counts it in
// `calls` and returns the result per record id sent. Errors: call failures, kParse.
Result<std::unordered_map<std::string, WriteResult>> send_write(api::RestClient& client,
                                                                 const Batch& batch,
                                                                 std::int64_t& calls);

// Replaces every If-Unmodified-Since placeholder of a guarded body with the HTTP date of the
// record's live LastModifiedDate (rounded up to the second). kInvalidArgument when a record
// of the body has no LastModifiedDate in `live`.
Result<std::string> fill_guards(std::string body, const LiveMap& live);

}  // namespace sfrewind::rollback
