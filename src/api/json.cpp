// JsonParser core: padded loading, scalar helpers, flattened records, query and history pages.
#include "api/json_internal.hpp"

#include <charconv>

#include <fmt/format.h>

namespace sfrewind::api {
namespace json {

Error parse_error(simdjson::error_code code, std::string_view what) {
  return make_error(ErrorCode::kParse,
                    fmt::format("malformed JSON in {}: {}", what, simdjson::error_message(code)));
}

Result<ScalarView> read_scalar_view(od::value& v) {
  od::json_type type;
  if (auto e = v.type().get(type)) return parse_error(e, "value");
  ScalarView out;
  switch (type) {
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null); e || !is_null) return parse_error(e, "null");
      return out;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return parse_error(e, "boolean");
      out.kind = JsonScalar::Kind::kBool;
      out.text = b ? "true" : "false";
      return out;
    }
    case od::json_type::number: {
      double ignored = 0;  // validates the literal; the digits are kept untouched below
      std::string_view raw;
      raw = v.raw_json_token();
      if (auto e = v.get_double().get(ignored)) return parse_error(e, "number");
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                              raw.back() == '\t')) {
        raw.remove_suffix(1);
      }
      out.kind = JsonScalar::Kind::kNumber;
      out.text = raw;
      return out;
    }
    case od::json_type::string: {
      if (auto e = v.get_string().get(out.text)) return parse_error(e, "string");
      out.kind = JsonScalar::Kind::kString;
      return out;
    }
    default:
      return make_error(ErrorCode::kParse, "expected a JSON scalar, got an object or array");
  }
}

Result<JsonScalar> read_scalar(od::value& v) {
  auto view = read_scalar_view(v);
  if (!view) return view.error();
  return JsonScalar{view->kind, std::string(view->text)};
}

Result<std::string> read_string(od::value& v) {
  auto s = read_scalar(v);
  if (!s) return s.error();
  return std::move(s->text);
}

Result<bool> read_bool(od::value& v) {
  auto s = read_scalar(v);
  if (!s) return s.error();
  if (s->kind == JsonScalar::Kind::kNull) return false;
  if (s->kind != JsonScalar::Kind::kBool) return make_error(ErrorCode::kParse, "expected a boolean");
  return s->text == "true";
}

Result<std::int64_t> read_int(od::value& v) {
  auto s = read_scalar(v);
  if (!s) return s.error();
  if (s->kind == JsonScalar::Kind::kNull) return std::int64_t{0};
  std::int64_t n = 0;
  const std::string& t = s->text;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || (end != t.data() + t.size() && *end != '.')) {
    return make_error(ErrorCode::kParse, "expected an integer, got " + t.substr(0, 20));
  }
  return n;
}

Result<std::vector<std::string>> read_strings(od::value& v) {
  std::vector<std::string> out;
  bool is_null = false;
  if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) return out;
  od::array array;
  if (auto e = v.get_array().get(array)) return parse_error(e, "string array");
  auto s = for_each_element(array, "string array", [&](od::value& item) -> Status {
    auto text = read_string(item);
    if (!text) return text.error();
    out.push_back(std::move(*text));
    return ok();
  });
  if (!s) return s.error();
  return out;
}

Result<std::string> read_raw(od::value& v) {
  od::json_type type;
  if (auto e = v.type().get(type)) return parse_error(e, "value");
  std::string_view raw;
  simdjson::error_code e = simdjson::SUCCESS;
  if (type == od::json_type::object) {
    od::object o;
    e = v.get_object().get(o);
    if (!e) e = o.raw_json().get(raw);
  } else if (type == od::json_type::array) {
    od::array a;
    e = v.get_array().get(a);
    if (!e) e = a.raw_json().get(raw);
  } else {
    raw = v.raw_json_token();      // before read_scalar consumes the value
    auto scalar = read_scalar(v);  // validates it
    if (!scalar) return scalar.error();
  }
  if (e) return parse_error(e, "raw value");
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                          raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  return std::string(raw);
}

Status flatten(od::object& object, const std::string& prefix, Record& record, int depth) {
  if (depth > 16) return make_error(ErrorCode::kParse, "record nested too deeply");
  return for_each_field(object, "record", [&](std::string_view key, od::value& v) -> Status {
    od::json_type type;
    if (auto e = v.type().get(type)) return parse_error(e, "record field");
    if (key == "attributes") {
      if (!prefix.empty() || type != od::json_type::object) return ok();
      od::object attrs;
      if (auto e = v.get_object().get(attrs)) return parse_error(e, "attributes");
      return for_each_field(attrs, "attributes", [&](std::string_view k, od::value& a) -> Status {
        if (k != "type") return ok();
        auto t = read_string(a);
        if (!t) return t.error();
        record.type = std::move(*t);
        return ok();
      });
    }
    std::string path = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
    if (type == od::json_type::array) return ok();  // child sub-queries are not flattened
    if (type == od::json_type::object) {
      od::object child;
      if (auto e = v.get_object().get(child)) return parse_error(e, "record field");
      return flatten(child, path, record, depth + 1);
    }
    auto scalar = read_scalar(v);
    if (!scalar) return scalar.error();
    record.fields[path] = std::move(*scalar);
    return ok();
  });
}

Status expect_end(od::document& doc) {
  const char* rest = nullptr;
  // current_location() fails with OUT_OF_BOUNDS exactly when the whole input was read.
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    return make_error(ErrorCode::kParse, "malformed JSON: trailing content");
  }
  return ok();
}

Status read_page_field(std::string_view key, od::value& v, PageInfo& info, bool& saw_done) {
  if (key == "totalSize") {
    auto n = read_int(v);
    if (!n) return n.error();
    info.total_size = *n;
  } else if (key == "done") {
    auto b = read_bool(v);
    if (!b) return b.error();
    info.done = *b;
    saw_done = true;
  } else if (key == "nextRecordsUrl") {
    auto u = read_string(v);
    if (!u) return u.error();
    info.next_records_url = std::move(*u);
  }
  return ok();
}

Status check_page_end(od::document& doc, const PageInfo& info, bool saw_done) {
  if (auto end = expect_end(doc); !end) return end;
  if (!saw_done) return make_error(ErrorCode::kParse, "query page has no 'done' field");
  if (!info.done && info.next_records_url.empty()) {
    return make_error(ErrorCode::kParse, "query page is not done but has no nextRecordsUrl");
  }
  return ok();
}

}  // namespace json

Status JsonParser::Impl::load(std::string_view body, od::document& doc) {
  buffer.clear();
  buffer.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(body.data(), body.size());
  if (auto e = parser.iterate(buffer.data(), buffer.size(), buffer.capacity()).get(doc)) {
    return json::parse_error(e, "body");
  }
  return ok();
}

JsonParser::JsonParser() : impl_(std::make_unique<Impl>()) {}
JsonParser::~JsonParser() = default;
JsonParser::JsonParser(JsonParser&&) noexcept = default;
JsonParser& JsonParser::operator=(JsonParser&&) noexcept = default;

Result<Record> JsonParser::record(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::object object;
  if (auto e = doc.get_object().get(object)) return json::parse_error(e, "record");
  Record record;
  if (auto s = json::flatten(object, "", record, 0); !s) return s.error();
  if (auto s = json::expect_end(doc); !s) return s.error();
  return record;
}

Result<RecordPage> JsonParser::record_page(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  RecordPage page;
  auto s = json::read_query_page(doc, page.info, [&](od::object& o) -> Status {
    Record r;
    if (auto fs = json::flatten(o, "", r, 0); !fs) return fs;
    page.records.push_back(std::move(r));
    return ok();
  });
  if (!s) return s.error();
  return page;
}

Result<Record> decode_record(std::string_view json) {
  JsonParser parser;
  return parser.record(json);
}

}  // namespace sfrewind::api
