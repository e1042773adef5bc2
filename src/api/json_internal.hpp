// simdjson helpers shared by the json_*.cpp decoders (private; the only simdjson include).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include <sfrewind/api/records.hpp>
#include <sfrewind/error.hpp>

#include "api/json.hpp"

namespace sfrewind::api {

namespace od = simdjson::ondemand;

struct JsonParser::Impl {
  od::parser parser;
  std::string buffer;  // body copy with SIMDJSON_PADDING reserved

  // Copies `body` into the padded buffer and starts a document.
  Status load(std::string_view body, od::document& doc);
};

namespace json {

Error parse_error(simdjson::error_code code, std::string_view what);

// Iterates an object's fields: fn(std::string_view key, od::value& value) -> Status.
template <class Fn>
Status for_each_field(od::object& object, std::string_view what, Fn&& fn) {
  for (auto item : object) {
    od::field field;
    if (auto e = std::move(item).get(field)) return parse_error(e, what);
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return parse_error(e, what);
    std::string owned_key(key);
    od::value value = field.value();
    if (auto s = fn(std::string_view(owned_key), value); !s) return s;
  }
  return ok();
}

// Iterates an array's elements: fn(od::value& element) -> Status.
template <class Fn>
Status for_each_element(od::array& array, std::string_view what, Fn&& fn) {
  for (auto item : array) {
    od::value value;
    if (auto e = std::move(item).get(value)) return parse_error(e, what);
    if (auto s = fn(value); !s) return s;
  }
  return ok();
}

Result<JsonScalar> read_scalar(od::value& v);
Result<std::string> read_string(od::value& v);  // null -> ""
Result<bool> read_bool(od::value& v);           // null -> false
Result<std::int64_t> read_int(od::value& v);     // null -> 0; accepts "123" too
Result<std::vector<std::string>> read_strings(od::value& v);
// The value's JSON text as sent (objects and arrays included).
Result<std::string> read_raw(od::value& v);
// Flattens an object into `record` (dotted paths); `prefix` empty at the top.
Status flatten(od::object& object, const std::string& prefix, Record& record, int depth);
// kParse unless the document was read to its end.
Status expect_end(od::document& doc);

}  // namespace json
}  // namespace sfrewind::api
