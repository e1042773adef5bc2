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

// Reads a query page's top level into `info`; on_record(od::object&) -> Status per record.
// Checks that the page is whole: read to its end, with `done`, and a next URL when not done.
template <class Fn>
Status read_query_page(od::document& doc, PageInfo& info, Fn&& on_record);

// A scalar as read_scalar reads it, without a copy: `text` points into the document or the
// parser's string buffer and stays valid until the parser loads the next document.
struct ScalarView {
  JsonScalar::Kind kind = JsonScalar::Kind::kNull;
  std::string_view text;
};
Result<ScalarView> read_scalar_view(od::value& v);
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

Status read_page_field(std::string_view key, od::value& v, PageInfo& info, bool& saw_done);
Status check_page_end(od::document& doc, const PageInfo& info, bool saw_done);

template <class Fn>
Status read_query_page(od::document& doc, PageInfo& info, Fn&& on_record) {
  od::object top;
  if (auto e = doc.get_object().get(top)) return parse_error(e, "query page");
  bool saw_done = false;
  auto s = for_each_field(top, "query page", [&](std::string_view key, od::value& v) -> Status {
    if (key != "records") return read_page_field(key, v, info, saw_done);
    od::array records;
    if (auto e = v.get_array().get(records)) return parse_error(e, "records");
    return for_each_element(records, "records", [&](od::value& item) -> Status {
      od::object o;
      if (auto e = item.get_object().get(o)) return parse_error(e, "record");
      return on_record(o);
    });
  });
  if (!s) return s;
  return check_page_end(doc, info, saw_done);
}

}  // namespace json
}  // namespace sfrewind::api
