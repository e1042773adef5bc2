// sObject Collections and /composite request and response types, and their JSON bodies.
#pragma once

#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include <sfrewind/error.hpp>

namespace sfrewind::api {

// One record of a Collections PATCH: fields map to JSON literals (FieldValue::to_json).
struct CollectionRecord {
  std::string sobject;
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;  // name -> JSON literal
};

// One per-record error of a Collections result (`statusCode` on the wire).
struct RecordError {
  std::string status_code;
  std::string message;
  std::vector<std::string> fields;
};

// One record's outcome, in request order. Failures are data, not Errors.
struct RecordOutcome {
  std::string id;  // may be empty for failures
  bool success = false;
  std::vector<RecordError> errors;
};

// `{"allOrNone":..,"records":[{"attributes":{"type":..},"id":..,<fields>}]}`.
std::string collection_body(const std::vector<CollectionRecord>& records, bool all_or_none);

struct CompositeSubrequest {
  std::string method;  // "GET", "PATCH", ...
  std::string url;     // full /services/data/vXX.X/... path
  std::string reference_id;
  std::vector<std::pair<std::string, std::string>> http_headers;
  std::optional<std::string> body_json;  // raw JSON, sent as is
};

struct CompositeRequest {
  bool all_or_none = false;
  std::optional<bool> collate_subrequests;  // nullopt = server default
  std::vector<CompositeSubrequest> subrequests;
};

struct CompositeSubresponse {
  std::string body_json;  // raw JSON of `body` ("null" when null)
  std::vector<std::pair<std::string, std::string>> http_headers;
  int http_status = 0;
  std::string reference_id;
};

// The `/composite` request body.
std::string composite_body(const CompositeRequest& request);

// Decoders (kParse on malformed JSON).
Result<std::vector<RecordOutcome>> decode_record_outcomes(std::string_view json);
Result<std::vector<CompositeSubresponse>> decode_composite_response(std::string_view json);

}  // namespace sfrewind::api
