// Decoded REST payloads: query pages, generic records, history rows, describe and limits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/history.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::api {

// One record as a flat map from dotted path to scalar: {"Profile": {"Name": "x"}} becomes
// "Profile.Name" -> "x"; a null relationship becomes "Profile" -> null. `attributes` is left
// out (its type goes to `type`); child sub-query results and arrays are left out.
struct Record {
  std::string type;  // attributes.type, may be empty
  std::map<std::string, JsonScalar> fields;

  // The field at `path`, or nullptr.
  const JsonScalar* find(std::string_view path) const;
  // The field's text, or "" when absent or null.
  std::string text(std::string_view path) const;
};

// The envelope of a query page.
struct PageInfo {
  std::int64_t total_size = 0;  // the whole result's size, not this page's
  bool done = true;
  std::string next_records_url;  // empty when done
};

struct RecordPage {
  PageInfo info;
  std::vector<Record> records;
};

// How to read a history object's rows.
struct HistoryObject {
  std::string sobject;         // tracked object, e.g. "Account", "Invoice__c"
  std::string history_object;  // "AccountHistory", "OpportunityFieldHistory", "Invoice__History"
  std::string parent_column;   // "AccountId", "OpportunityId", "ParentId"
};

// The history object and parent column of tracked object `sobject` (custom `X__c` ->
// `X__History` + ParentId; Opportunity -> OpportunityFieldHistory; else <Obj>History + <Obj>Id).
HistoryObject history_object_for(std::string_view sobject);

// `SELECT Id, <parent>, Field, DataType, OldValue, NewValue, CreatedById, CreatedDate,
// IsDeleted FROM <history object>`: the select list the history decoder expects.
std::string history_select(const HistoryObject& object);

struct HistoryPage {
  PageInfo info;
  std::vector<HistoryRow> rows;
};

struct FieldDescribe {
  std::string name;
  std::string label;
  std::string type;  // "string", "boolean", "currency", "reference", "textarea", ...
  std::int64_t length = 0;
  bool updateable = false;
  bool calculated = false;
  bool nillable = false;
  bool encrypted = false;
  bool html_formatted = false;
  std::string extra_type_info;  // e.g. "richtextarea", "plaintextarea"; may be empty
  std::vector<std::string> reference_to;
};

struct SObjectDescribe {
  std::string name;
  std::string label;
  std::string key_prefix;
  bool custom = false;
  bool queryable = false;
  bool updateable = false;
  std::vector<FieldDescribe> fields;

  // The field called `name` (case-insensitive), or nullptr.
  const FieldDescribe* field(std::string_view name) const;
};

// One entry of describe global (`/sobjects`).
struct GlobalSObject {
  std::string name;
  std::string label;
  std::string key_prefix;
  bool custom = false;
  bool queryable = false;
};

// One `/limits` entry, e.g. "DailyApiRequests".
struct Limit {
  std::int64_t max = 0;
  std::int64_t remaining = 0;
};
using Limits = std::map<std::string, Limit>;

// One item of a REST error body `[{"message", "errorCode", "fields"}]`.
struct ApiError {
  std::string error_code;
  std::string message;
  std::vector<std::string> fields;
};

// Decoders for bodies obtained elsewhere (composite subresponse bodies, files). Each makes its
// own parser; RestClient reuses one. Errors: kParse on malformed or truncated JSON.
Result<Record> decode_record(std::string_view json);
Result<std::vector<ApiError>> decode_api_errors(std::string_view json);

}  // namespace sfrewind::api
