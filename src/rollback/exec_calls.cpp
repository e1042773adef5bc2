// Re-read and write calls of the executor, parsed with the rollback module's own JSON reader.
#include "rollback/exec_calls.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include <sfrewind/rollback/batcher.hpp>

#include "rollback/json.hpp"

namespace sfrewind::rollback {
namespace {

using json::Value;
using Kind = json::Value::Kind;

Error bad_body(std::string_view what) {
  return make_error(ErrorCode::kParse, fmt::format("unexpected {} in a /composite answer", what));
}

FieldValue value_of(const Value& v) {
  switch (v.kind) {
    case Kind::kBool: return FieldValue::boolean(v.text == "true");
    case Kind::kNumber: return FieldValue::number(v.text);
    case Kind::kString: return FieldValue::text_value(v.text);
    default: return FieldValue::null();
  }
}

// The value of query parameter `name` in `url` ("" when absent).
std::string url_param(std::string_view url, std::string_view name) {
  auto q = url.find('?');
  while (q != std::string_view::npos) {
    std::string_view rest = url.substr(q + 1);
    auto amp = rest.find('&');
    std::string_view kv = rest.substr(0, amp);
    if (kv.size() > name.size() && kv.substr(0, name.size()) == name && kv[name.size()] == '=') {
      return std::string(kv.substr(name.size() + 1));
    }
    q = amp == std::string_view::npos ? amp : q + 1 + amp;
  }
  return {};
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto c = s.find(',');
    out.emplace_back(s.substr(0, c));
    if (c == std::string_view::npos) break;
    s.remove_prefix(c + 1);
  }
  return out;
}

Result<Value> post(api::RestClient& client, const std::string& path, const std::string& body,
                   std::int64_t& calls) {
  ++calls;
  auto resp = client.call(http::Method::kPost, path, body);
  if (!resp) return resp.error();
  auto v = json::parse(resp->body);
  // The call may have landed: the caller re-reads, it never resends the write.
  if (!v) return make_error(ErrorCode::kParse, "the answer to a /composite call is not valid JSON");
  return v;
}

// compositeRequest[] of a request body and compositeResponse[] of its answer, same length.
struct Exchange {
  Value request;
  Value response;
  const std::vector<Value>& subrequests() const { return request.find("compositeRequest")->items; }
  const std::vector<Value>& subresponses() const {
    return response.find("compositeResponse")->items;
  }
};

Result<Exchange> exchange(api::RestClient& client, const std::string& path,
                          const std::string& body, std::int64_t& calls) {
  Exchange ex;
  auto req = json::parse(body);
  if (!req) return req.error();
  ex.request = std::move(*req);
  auto resp = post(client, path, body, calls);
  if (!resp) return resp.error();
  ex.response = std::move(*resp);
  const Value* subs = ex.request.find("compositeRequest");
  const Value* outs = ex.response.find("compositeResponse");
  if (!subs || subs->kind != Kind::kArray) return bad_body("request");
  if (!outs || outs->kind != Kind::kArray || outs->items.size() != subs->items.size()) {
    return bad_body("compositeResponse");
  }
  return ex;
}

int status_of(const Value& sub) {
  const Value* s = sub.find("httpStatusCode");
  return s && s->kind == Kind::kNumber ? std::atoi(s->text.c_str()) : 0;
}

// "CODE: message" of the first error of an error array or object.
std::string error_detail(const Value* body, std::string_view code_key) {
  if (!body) return "no result";
  const Value* e = body->kind == Kind::kArray && !body->items.empty() ? &body->items[0] : body;
  const Value* code = e->find(code_key);
  const Value* msg = e->find("message");
  return fmt::format("{}: {}", code ? code->text : "ERROR", msg ? msg->text : "");
}

void add_records(const std::vector<std::string>& ids, const Value& body, LiveMap& live) {
  for (std::size_t i = 0; i < ids.size() && i < body.items.size(); ++i) {
    const Value& r = body.items[i];
    LiveRecord rec;
    rec.exists = r.kind == Kind::kObject;
    for (const auto& [name, v] : r.members) {
      if (v.kind == Kind::kObject || v.kind == Kind::kArray) continue;
      if (name == "LastModifiedDate" && v.kind == Kind::kString) {
        if (auto t = Timestamp::parse(v.text)) rec.last_modified = *t;
      }
      rec.fields.emplace(name, value_of(v));
    }
    live[ids[i]] = std::move(rec);
  }
}

void collection_results(const Value& sub, const Value& out,
                        std::unordered_map<std::string, WriteResult>& results) {
  const Value* records = sub.find("body") ? sub.find("body")->find("records") : nullptr;
  if (!records) return;
  const Value* body = out.find("body");
  int status = status_of(out);
  for (std::size_t i = 0; i < records->items.size(); ++i) {
    const Value* id = records->items[i].find("id");
    if (!id) continue;
    WriteResult r;
    if (status >= 400 || !body || body->kind != Kind::kArray || i >= body->items.size()) {
      r.detail = error_detail(body, "errorCode");
    } else {
      const Value& o = body->items[i];
      const Value* ok = o.find("success");
      r.kind = ok && ok->text == "true" ? WriteResult::Kind::kOk : WriteResult::Kind::kFailed;
      if (r.kind != WriteResult::Kind::kOk) r.detail = error_detail(o.find("errors"), "statusCode");
    }
    results[id->text] = std::move(r);
  }
}

void row_result(const Value& sub, const Value& out,
                std::unordered_map<std::string, WriteResult>& results) {
  const Value* url = sub.find("url");
  if (!url) return;
  std::string id = url->text.substr(url->text.rfind('/') + 1);
  int status = status_of(out);
  WriteResult r;
  if (status >= 200 && status < 300) {
    r.kind = WriteResult::Kind::kOk;
  } else {
    r.kind = status == 412 ? WriteResult::Kind::kPrecondition : WriteResult::Kind::kFailed;
    r.detail = error_detail(out.find("body"), "errorCode");
  }
  results[id] = std::move(r);
}

}  // namespace

bool transient_failure(const Error& e) {
  return e.code == ErrorCode::kTransport || e.code == ErrorCode::kTimeout ||
         e.code == ErrorCode::kParse || e.http_status >= 500;
}

Status read_live(api::RestClient& client, const HttpCall& call, LiveMap& live,
                 std::int64_t& calls) {
  auto ex = exchange(client, call.path, call.body, calls);
  if (!ex) return ex.error();
  for (std::size_t i = 0; i < ex->subrequests().size(); ++i) {
    const Value* url = ex->subrequests()[i].find("url");
    const Value& out = ex->subresponses()[i];
    const Value* body = out.find("body");
    if (status_of(out) >= 400 || !body || body->kind != Kind::kArray) {
      return make_error(ErrorCode::kApi, "re-read failed: " + error_detail(body, "errorCode"));
    }
    add_records(split_commas(url_param(url ? url->text : "", "ids")), *body, live);
  }
  return ok();
}

std::vector<HttpCall> reread_calls(
    std::string_view api_version,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& ids_by_sobject,
    const std::unordered_map<std::string, std::vector<std::string>>& fields) {
  const std::string prefix = fmt::format("/services/data/v{}", api_version);
  std::vector<std::string> subs;
  for (const auto& [sobject, ids] : ids_by_sobject) {
    std::string field_list;
    if (auto f = fields.find(sobject); f != fields.end()) {
      for (const auto& name : f->second) field_list += (field_list.empty() ? "" : ",") + name;
    }
    for (std::size_t b = 0; b < ids.size(); b += 200) {
      std::string id_list;
      for (std::size_t i = b; i < ids.size() && i < b + 200; ++i) {
        id_list += (i == b ? "" : ",") + ids[i];
      }
      subs.push_back(fmt::format(
          R"({{"method":"GET","url":{},"referenceId":"r{}"}})",
          json_quote(fmt::format("{}/composite/sobjects/{}?ids={}&fields={}", prefix, sobject,
                                 id_list, field_list)),
          subs.size() % 5 + 1));
    }
  }
  std::vector<HttpCall> calls;
  for (std::size_t b = 0; b < subs.size(); b += 5) {
    std::string body = R"({"allOrNone":false,"collateSubrequests":false,"compositeRequest":[)";
    for (std::size_t i = b; i < subs.size() && i < b + 5; ++i) body += (i == b ? "" : ",") + subs[i];
    calls.push_back(HttpCall{"POST", prefix + "/composite", body + "]}"});
  }
  return calls;
}

std::string value_literal(const FieldValue& value) {
  switch (value.kind()) {
    case FieldValue::Kind::kNull: return "null";
    case FieldValue::Kind::kBoolean:
    case FieldValue::Kind::kNumber: return value.text();
    default: return json_quote(value.text());
  }
}

Result<std::unordered_map<std::string, WriteResult>> send_write(api::RestClient& client,
                                                                 const Batch& batch,
                                                                 std::int64_t& calls) {
  auto ex = exchange(client, batch.path, batch.body, calls);
  if (!ex) return ex.error();
  std::unordered_map<std::string, WriteResult> results;
  for (std::size_t i = 0; i < ex->subrequests().size(); ++i) {
    const Value& sub = ex->subrequests()[i];
    const Value* url = sub.find("url");
    bool collection = url && url->text.find("/composite/sobjects") != std::string::npos;
    if (collection) {
      collection_results(sub, ex->subresponses()[i], results);
    } else {
      row_result(sub, ex->subresponses()[i], results);
    }
  }
  return results;
}

Result<std::string> fill_guards(std::string body, const LiveMap& live) {
  std::size_t at = 0;
  while ((at = body.find(kIfUnmodifiedSincePrefix, at)) != std::string::npos) {
    auto end = body.find("}}", at);
    if (end == std::string::npos) return make_error(ErrorCode::kInvalidArgument, "bad guard placeholder");
    std::size_t id_at = at + kIfUnmodifiedSincePrefix.size();
    std::string id = body.substr(id_at, end - id_at);
    auto rec = live.find(id);
    if (rec == live.end() || !rec->second.last_modified) {
      return make_error(ErrorCode::kInvalidArgument, "no LastModifiedDate re-read for " + id);
    }
    // HTTP dates have whole seconds: round up so our own re-read instant is not "after" it.
    std::int64_t ms = rec->second.last_modified->ms();
    std::int64_t up = (ms + 999) / 1000 * 1000;
    std::string date = Timestamp(up).to_http_date();
    body.replace(at, end + 2 - at, date);
    at += date.size();
  }
  return body;
}

}  // namespace sfrewind::rollback
