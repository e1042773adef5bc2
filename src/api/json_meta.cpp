// JsonParser: describe, describe global, limits and REST error bodies.
#include <algorithm>
#include <cctype>

#include "api/json_internal.hpp"

namespace sfrewind::api {
namespace {

// Reads the named members of an object into setters; unknown members are skipped.
template <class Fn>
Status read_object(od::value& v, std::string_view what, Fn&& fn) {
  od::object o;
  if (auto e = v.get_object().get(o)) return json::parse_error(e, what);
  return json::for_each_field(o, what, fn);
}

#define SFREWIND_READ(reader, target)        \
  do {                                      \
    auto r_ = json::reader(v);              \
    if (!r_) return r_.error();             \
    target = std::move(*r_);                \
  } while (0)

Status read_field_describe(od::value& item, FieldDescribe& f) {
  return read_object(item, "describe field", [&](std::string_view k, od::value& v) -> Status {
    if (k == "name") SFREWIND_READ(read_string, f.name);
    else if (k == "label") SFREWIND_READ(read_string, f.label);
    else if (k == "type") SFREWIND_READ(read_string, f.type);
    else if (k == "length") SFREWIND_READ(read_int, f.length);
    else if (k == "updateable") SFREWIND_READ(read_bool, f.updateable);
    else if (k == "calculated") SFREWIND_READ(read_bool, f.calculated);
    else if (k == "nillable") SFREWIND_READ(read_bool, f.nillable);
    else if (k == "encrypted") SFREWIND_READ(read_bool, f.encrypted);
    else if (k == "htmlFormatted") SFREWIND_READ(read_bool, f.html_formatted);
    else if (k == "extraTypeInfo") SFREWIND_READ(read_string, f.extra_type_info);
    else if (k == "referenceTo") SFREWIND_READ(read_strings, f.reference_to);
    return ok();
  });
}

Status read_api_error(od::value& item, ApiError& a) {
  return read_object(item, "error", [&](std::string_view k, od::value& v) -> Status {
    if (k == "errorCode" || k == "error" || k == "statusCode") SFREWIND_READ(read_string, a.error_code);
    else if (k == "message" || k == "error_description") SFREWIND_READ(read_string, a.message);
    else if (k == "fields") SFREWIND_READ(read_strings, a.fields);
    return ok();
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const FieldDescribe* SObjectDescribe::field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (iequals(f.name, field_name)) return &f;
  }
  return nullptr;
}

Result<SObjectDescribe> JsonParser::describe(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::value root;
  if (auto e = doc.get_value().get(root)) return json::parse_error(e, "describe");
  SObjectDescribe d;
  auto s = read_object(root, "describe", [&](std::string_view k, od::value& v) -> Status {
    if (k == "name") SFREWIND_READ(read_string, d.name);
    else if (k == "label") SFREWIND_READ(read_string, d.label);
    else if (k == "keyPrefix") SFREWIND_READ(read_string, d.key_prefix);
    else if (k == "custom") SFREWIND_READ(read_bool, d.custom);
    else if (k == "queryable") SFREWIND_READ(read_bool, d.queryable);
    else if (k == "updateable") SFREWIND_READ(read_bool, d.updateable);
    else if (k == "fields") {
      od::array a;
      if (auto e = v.get_array().get(a)) return json::parse_error(e, "describe fields");
      return json::for_each_element(a, "describe fields", [&](od::value& item) -> Status {
        FieldDescribe f;
        if (auto fs = read_field_describe(item, f); !fs) return fs;
        d.fields.push_back(std::move(f));
        return ok();
      });
    }
    return ok();
  });
  if (!s) return s.error();
  if (auto end = json::expect_end(doc); !end) return end.error();
  return d;
}

Result<std::vector<GlobalSObject>> JsonParser::describe_global(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::value root;
  if (auto e = doc.get_value().get(root)) return json::parse_error(e, "describe global");
  std::vector<GlobalSObject> out;
  auto s = read_object(root, "describe global", [&](std::string_view k, od::value& v) -> Status {
    if (k != "sobjects") return ok();
    od::array a;
    if (auto e = v.get_array().get(a)) return json::parse_error(e, "sobjects");
    return json::for_each_element(a, "sobjects", [&](od::value& item) -> Status {
      GlobalSObject g;
      auto fs = read_object(item, "sobject", [&](std::string_view key, od::value& fv) -> Status {
        od::value& v2 = fv;
        auto read = [&](auto& target, auto reader) -> Status {
          auto r = reader(v2);
          if (!r) return r.error();
          target = std::move(*r);
          return ok();
        };
        if (key == "name") return read(g.name, json::read_string);
        if (key == "label") return read(g.label, json::read_string);
        if (key == "keyPrefix") return read(g.key_prefix, json::read_string);
        if (key == "custom") return read(g.custom, json::read_bool);
        if (key == "queryable") return read(g.queryable, json::read_bool);
        return ok();
      });
      if (!fs) return fs;
      out.push_back(std::move(g));
      return ok();
    });
  });
  if (!s) return s.error();
  if (auto end = json::expect_end(doc); !end) return end.error();
  return out;
}

Result<Limits> JsonParser::limits(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::value root;
  if (auto e = doc.get_value().get(root)) return json::parse_error(e, "limits");
  Limits out;
  auto s = read_object(root, "limits", [&](std::string_view name, od::value& entry) -> Status {
    Limit l;
    auto fs = read_object(entry, "limit", [&](std::string_view k, od::value& v) -> Status {
      if (k == "Max") SFREWIND_READ(read_int, l.max);
      else if (k == "Remaining") SFREWIND_READ(read_int, l.remaining);
      return ok();
    });
    if (!fs) return fs;
    out[std::string(name)] = l;
    return ok();
  });
  if (!s) return s.error();
  if (auto end = json::expect_end(doc); !end) return end.error();
  return out;
}

Result<std::vector<ApiError>> JsonParser::api_errors(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::value root;
  if (auto e = doc.get_value().get(root)) return json::parse_error(e, "error body");
  od::json_type type;
  if (auto e = root.type().get(type)) return json::parse_error(e, "error body");
  std::vector<ApiError> out;
  Status s = ok();
  if (type == od::json_type::array) {
    od::array a;
    if (auto e = root.get_array().get(a)) return json::parse_error(e, "error body");
    s = json::for_each_element(a, "error body", [&](od::value& item) -> Status {
      ApiError err;
      if (auto es = read_api_error(item, err); !es) return es;
      out.push_back(std::move(err));
      return ok();
    });
  } else {
    ApiError err;
    s = read_api_error(root, err);
    out.push_back(std::move(err));
  }
  if (!s) return s.error();
  if (auto end = json::expect_end(doc); !end) return end.error();
  return out;
}

Result<std::vector<ApiError>> decode_api_errors(std::string_view json) {
  JsonParser parser;
  return parser.api_errors(json);
}

}  // namespace sfrewind::api
