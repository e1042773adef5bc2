// sObject resources: row GET/PATCH/DELETE, create, and sObject Collections.
#include <cstdio>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

#include "emu/impl.hpp"

namespace sfrewind::emu {
namespace {

std::optional<std::int64_t> parse_http_date(const std::string& s) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char mon[4] = {0};
  int day = 0, year = 0, h = 0, m = 0, sec = 0;
  if (std::sscanf(s.c_str(), "%*3s, %d %3s %d %d:%d:%d", &day, mon, &year, &h, &m, &sec) != 6) return std::nullopt;
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(mon) == kMonths[i]) {
      auto ts = Timestamp::parse(fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", year, i + 1, day, h, m, sec));
      if (ts) return ts->ms();
    }
  }
  return std::nullopt;
}

std::int64_t api_now() { return now_ms() / 1000 * 1000; }

void write_save_errors(JsonWriter& w, const std::vector<SaveError>& errors, const char* code_key) {
  w.begin_array();
  for (const auto& e : errors) {
    w.begin_object();
    w.kv(code_key, e.status_code);
    w.kv("message", e.message);
    w.key("fields");
    w.begin_array();
    for (const auto& f : e.fields) w.string(f);
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto c = s.find(',', start);
    if (c == std::string::npos) c = s.size();
    if (c > start) out.push_back(s.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

}  // namespace

Resp Server::Impl::sobject_create(const Req& req, const Session& s, const std::string& type) {
  int t = org.table(type);
  if (t < 0) return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
  if (!org.tables[static_cast<std::size_t>(t)].def.creatable) {
    return error_resp(400, "INVALID_TYPE", "entity type " + type + " does not support create");
  }
  auto body = Json::parse(req.body);
  if (!body || !body->is_object()) return error_resp(400, "JSON_PARSER_ERROR", "Unexpected body");
  std::vector<SaveError> errors;
  auto row = org.save(t, std::nullopt, *body, s.user, api_now(), true, &errors);
  JsonWriter w;
  if (!row) {
    write_save_errors(w, errors, "errorCode");
    return json_resp(400, w.take());
  }
  w.begin_object();
  w.kv("id", org.record_id(t, *row));
  w.kv_bool("success", true);
  w.key("errors"); w.begin_array(); w.end_array();
  w.end_object();
  return json_resp(201, w.take());
}

Resp Server::Impl::sobject_row(const Req& req, const Session& s, const std::string& type,
                               const std::string& id, const std::string& version) {
  int t = org.table(type);
  auto where = org.find(id);
  if (t < 0 || !where || where->first != t) return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
  Table& tab = org.tables[static_cast<std::size_t>(t)];
  std::uint32_t row = where->second;
  bool deleted = tab.rows[row].deleted;
  if (req.method == "GET") {
    if (deleted) return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
    std::vector<Path> paths;
    auto names = split_commas(req.param("fields"));
    if (names.empty()) {
      for (const auto& f : tab.def.fields) names.push_back(f.name);
    }
    for (const auto& n : names) paths.push_back(Path{{n}, n});
    auto sel = compile_select(org, Ctx{t, -1}, paths);
    if (!sel) return error_resp(sel.error());
    JsonWriter w;
    write_row(org, w, Ctx{t, -1}, row, *sel, version);
    return json_resp(200, w.take());
  }
  if (deleted) return error_resp(404, "ENTITY_IS_DELETED", "entity is deleted");
  if (locked(org.record_id(t, row))) {
    return error_resp(400, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record");
  }
  auto ius = req.headers.find("If-Unmodified-Since");
  if (ius != req.headers.end()) {
    auto since = parse_http_date(ius->second);
    if (!since) return error_resp(400, "INVALID_HEADER", "Invalid If-Unmodified-Since header");
    const Val& lm = tab.rows[row].v[static_cast<std::size_t>(tab.def.field("LastModifiedDate"))];
    if (lm.num > static_cast<double>(*since)) {
      return error_resp(412, "PRECONDITION_FAILED", "The requested resource has been modified since " + ius->second);
    }
  }
  if (req.method == "DELETE") {
    if (!tab.def.creatable) return error_resp(400, "INVALID_TYPE", "entity type cannot be deleted");
    org.remove(t, row, s.user, api_now());
    Resp r = json_resp(204, "");
    r.no_body = true;
    return r;
  }
  if (req.method != "PATCH") return error_resp(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed");
  auto body = Json::parse(req.body);
  if (!body || !body->is_object()) return error_resp(400, "JSON_PARSER_ERROR", "Unexpected body");
  std::vector<SaveError> errors;
  auto saved = org.save(t, row, *body, s.user, api_now(), true, &errors);
  if (!saved) {
    JsonWriter w;
    write_save_errors(w, errors, "errorCode");
    return json_resp(400, w.take());
  }
  Resp r = json_resp(204, "");
  r.no_body = true;
  return r;
}

Resp Server::Impl::collections(const Req& req, const Session& s, const std::string& rest,
                               const std::string& version) {
  JsonWriter w;
  if (req.method == "GET") {
    int t = org.table(rest.empty() ? "" : rest.substr(1));
    if (t < 0) return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
    std::vector<Path> paths;
    for (const auto& n : split_commas(req.param("fields"))) paths.push_back(Path{{n}, n});
    auto sel = compile_select(org, Ctx{t, -1}, paths);
    if (!sel) return error_resp(sel.error());
    w.begin_array();
    for (const auto& id : split_commas(req.param("ids"))) {
      auto where = org.find(id);
      if (!where || where->first != t || org.tables[static_cast<std::size_t>(t)].rows[where->second].deleted) {
        w.null();
      } else {
        write_row(org, w, Ctx{t, -1}, where->second, *sel, version);
      }
    }
    w.end_array();
    return json_resp(200, w.take());
  }
  bool all_or_none = false;
  std::vector<Json> records;
  if (req.method == "DELETE") {
    all_or_none = req.param("allOrNone") == "true";
    for (const auto& id : split_commas(req.param("ids"))) {
      Json j = Json::object();
      j.set("id", Json::string(id));
      records.push_back(std::move(j));
    }
  } else {
    auto body = Json::parse(req.body);
    if (!body || !body->is_object() || !body->find("records") || !body->find("records")->is_array()) {
      return error_resp(400, "JSON_PARSER_ERROR", "Unexpected body: expected {allOrNone, records}");
    }
    const Json* aon = body->find("allOrNone");
    all_or_none = aon && aon->as_bool();
    records = body->find("records")->items();
  }
  if (records.size() > 200) {
    return error_resp(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
  }
  struct Outcome {
    std::string id;
    std::vector<SaveError> errors;
  };
  std::vector<Outcome> out(records.size());
  std::int64_t now = api_now();
  if (all_or_none) org.begin_tx();
  bool any_failed = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Json& r = records[i];
    std::string id = r.str("id", r.str("Id"));
    auto fail = [&](std::string code, std::string msg) {
      out[i].errors.push_back(SaveError{std::move(code), std::move(msg), {}});
    };
    std::optional<std::pair<int, std::uint32_t>> where;
    if (req.method != "POST") {
      where = org.find(id);
      if (!where) { fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"); any_failed = true; continue; }
      out[i].id = org.record_id(where->first, where->second);
    }
    int t = where ? where->first : org.table(r.find("attributes") ? r.find("attributes")->str("type") : "");
    if (t < 0) { fail("INVALID_TYPE", "sObject type is required in attributes"); any_failed = true; continue; }
    if (where && org.tables[static_cast<std::size_t>(t)].rows[where->second].deleted) {
      fail("ENTITY_IS_DELETED", "entity is deleted"); any_failed = true; continue;
    }
    if (where && locked(out[i].id)) {
      fail("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: " + out[i].id);
      any_failed = true;
      continue;
    }
    if (!org.tables[static_cast<std::size_t>(t)].def.creatable && req.method != "PATCH") {
      fail("INVALID_TYPE", "entity type does not support create or delete");
      any_failed = true;
      continue;
    }
    if (req.method == "DELETE") {
      org.remove(t, where->second, s.user, now);
      continue;
    }
    auto row = org.save(t, where ? std::optional(where->second) : std::nullopt, r, s.user, now, true, &out[i].errors);
    if (!row) { any_failed = true; continue; }
    out[i].id = org.record_id(t, *row);
  }
  if (all_or_none && any_failed) {
    org.rollback_tx();
    for (auto& o : out) {
      if (o.errors.empty()) {
        o.errors.push_back(SaveError{"ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                     "Record rolled back because not all records were valid and the "
                                     "request was using AllOrNone header",
                                     {}});
      }
      if (req.method == "POST") o.id.clear();
    }
  } else if (all_or_none) {
    org.commit_tx();
  }
  w.begin_array();
  for (const auto& o : out) {
    w.begin_object();
    if (!o.id.empty()) w.kv("id", o.id);
    w.kv_bool("success", o.errors.empty());
    w.key("errors");
    write_save_errors(w, o.errors, "statusCode");
    w.end_object();
  }
  w.end_array();
  return json_resp(200, w.take());
}

}  // namespace sfrewind::emu
