// Collections and /composite: request bodies and decoded per-record / per-subrequest results.
#include <fmt/format.h>

#include <sfrewind/types.hpp>

#include "api/json_internal.hpp"

namespace sfrewind::api {
namespace {

Status read_record_error(od::value& item, RecordError& out) {
  od::object o;
  if (auto e = item.get_object().get(o)) return json::parse_error(e, "record error");
  return json::for_each_field(o, "record error", [&](std::string_view k, od::value& v) -> Status {
    if (k == "statusCode" || k == "errorCode") {
      auto s = json::read_string(v);
      if (!s) return s.error();
      out.status_code = std::move(*s);
    } else if (k == "message") {
      auto s = json::read_string(v);
      if (!s) return s.error();
      out.message = std::move(*s);
    } else if (k == "fields") {
      auto f = json::read_strings(v);
      if (!f) return f.error();
      out.fields = std::move(*f);
    }
    return ok();
  });
}

Status read_outcome(od::value& item, RecordOutcome& out) {
  od::object o;
  if (auto e = item.get_object().get(o)) return json::parse_error(e, "record result");
  return json::for_each_field(o, "record result", [&](std::string_view k, od::value& v) -> Status {
    if (k == "id") {
      auto s = json::read_string(v);
      if (!s) return s.error();
      out.id = std::move(*s);
    } else if (k == "success") {
      auto b = json::read_bool(v);
      if (!b) return b.error();
      out.success = *b;
    } else if (k == "errors") {
      od::array a;
      if (auto e = v.get_array().get(a)) return json::parse_error(e, "errors");
      return json::for_each_element(a, "errors", [&](od::value& ev) -> Status {
        RecordError err;
        if (auto s = read_record_error(ev, err); !s) return s;
        out.errors.push_back(std::move(err));
        return ok();
      });
    }
    return ok();
  });
}

Status read_headers(od::value& v, std::vector<std::pair<std::string, std::string>>& out) {
  bool is_null = false;
  if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) return ok();
  od::object o;
  if (auto e = v.get_object().get(o)) return json::parse_error(e, "httpHeaders");
  return json::for_each_field(o, "httpHeaders", [&](std::string_view k, od::value& hv) -> Status {
    auto s = json::read_string(hv);
    if (!s) return s.error();
    out.emplace_back(std::string(k), std::move(*s));
    return ok();
  });
}

Status read_subresponse(od::value& item, CompositeSubresponse& out) {
  od::object o;
  if (auto e = item.get_object().get(o)) return json::parse_error(e, "subresponse");
  out.body_json = "null";
  return json::for_each_field(o, "subresponse", [&](std::string_view k, od::value& v) -> Status {
    if (k == "body") {
      auto raw = json::read_raw(v);
      if (!raw) return raw.error();
      out.body_json = std::move(*raw);
    } else if (k == "httpHeaders") {
      return read_headers(v, out.http_headers);
    } else if (k == "httpStatusCode") {
      auto n = json::read_int(v);
      if (!n) return n.error();
      out.http_status = static_cast<int>(*n);
    } else if (k == "referenceId") {
      auto s = json::read_string(v);
      if (!s) return s.error();
      out.reference_id = std::move(*s);
    }
    return ok();
  });
}

}  // namespace

Result<std::vector<RecordOutcome>> JsonParser::record_outcomes(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::array a;
  if (auto e = doc.get_array().get(a)) return json::parse_error(e, "collection results");
  std::vector<RecordOutcome> out;
  auto s = json::for_each_element(a, "collection results", [&](od::value& item) -> Status {
    RecordOutcome r;
    if (auto rs = read_outcome(item, r); !rs) return rs;
    out.push_back(std::move(r));
    return ok();
  });
  if (!s) return s.error();
  if (auto end = json::expect_end(doc); !end) return end.error();
  return out;
}

Result<std::vector<CompositeSubresponse>> JsonParser::composite_response(std::string_view body) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  od::object top;
  if (auto e = doc.get_object().get(top)) return json::parse_error(e, "composite response");
  std::vector<CompositeSubresponse> out;
  bool seen = false;
  auto s = json::for_each_field(top, "composite response",
                                [&](std::string_view k, od::value& v) -> Status {
    if (k != "compositeResponse") return ok();
    seen = true;
    od::array a;
    if (auto e = v.get_array().get(a)) return json::parse_error(e, "compositeResponse");
    return json::for_each_element(a, "compositeResponse", [&](od::value& item) -> Status {
      CompositeSubresponse r;
      if (auto rs = read_subresponse(item, r); !rs) return rs;
      out.push_back(std::move(r));
      return ok();
    });
  });
  if (!s) return s.error();
  if (auto end = json::expect_end(doc); !end) return end.error();
  if (!seen) return make_error(ErrorCode::kParse, "composite response has no compositeResponse");
  return out;
}

std::string collection_body(const std::vector<CollectionRecord>& records, bool all_or_none) {
  std::string out = fmt::format(R"({{"allOrNone":{},"records":[)", all_or_none);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const CollectionRecord& r = records[i];
    if (i > 0) out += ',';
    out += fmt::format(R"({{"attributes":{{"type":{}}},"id":{})", json_quote(r.sobject),
                       json_quote(r.id));
    for (const auto& [name, literal] : r.fields) out += fmt::format(",{}:{}", json_quote(name), literal);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string composite_body(const CompositeRequest& request) {
  std::string out = fmt::format(R"({{"allOrNone":{})", request.all_or_none);
  if (request.collate_subrequests) {
    out += fmt::format(R"(,"collateSubrequests":{})", *request.collate_subrequests);
  }
  out += R"(,"compositeRequest":[)";
  for (std::size_t i = 0; i < request.subrequests.size(); ++i) {
    const CompositeSubrequest& s = request.subrequests[i];
    if (i > 0) out += ',';
    out += fmt::format(R"({{"method":{},"url":{},"referenceId":{})", json_quote(s.method),
                       json_quote(s.url), json_quote(s.reference_id));
    if (!s.http_headers.empty()) {
      out += R"(,"httpHeaders":{)";
      for (std::size_t h = 0; h < s.http_headers.size(); ++h) {
        if (h > 0) out += ',';
        out += json_quote(s.http_headers[h].first) + ":" + json_quote(s.http_headers[h].second);
      }
      out += '}';
    }
    if (s.body_json) out += R"(,"body":)" + *s.body_json;
    out += '}';
  }
  out += "]}";
  return out;
}

Result<std::vector<RecordOutcome>> decode_record_outcomes(std::string_view json) {
  JsonParser parser;
  return parser.record_outcomes(json);
}

Result<std::vector<CompositeSubresponse>> decode_composite_response(std::string_view json) {
  JsonParser parser;
  return parser.composite_response(json);
}

}  // namespace sfrewind::api
