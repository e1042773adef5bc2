// Plan JSON reading: strict member checks, then the id and hash must match the contents.
#include <fmt/format.h>

#include <sfrewind/rollback/plan.hpp>

#include "rollback/json.hpp"
#include "rollback/plan_json.hpp"

namespace sfrewind::rollback {
namespace {

using json::Value;
using Kind = json::Value::Kind;

// Reads members of one object, remembering the first fault with where it happened.
class Fields {
 public:
  Fields(std::string_view src, const Value& obj, std::string where, std::string& err)
      : src_(src), obj_(obj), where_(std::move(where)), err_(err) {
    if (obj.kind != Kind::kObject) fault("", "is not an object");
  }

  void str(std::string_view key, std::string& out) {
    if (const Value* v = get(key, Kind::kString, "a string")) out = v->text;
  }
  void opt_str(std::string_view key, std::optional<std::string>& out) {
    const Value* v = obj_.find(key);
    if (v && v->kind == Kind::kNull) return out.reset();
    if ((v = get(key, Kind::kString, "a string or null"))) out = v->text;
  }
  void boolean(std::string_view key, bool& out) {
    if (const Value* v = get(key, Kind::kBool, "true or false")) out = v->text == "true";
  }
  void size(std::string_view key, std::size_t& out) {
    const Value* v = get(key, Kind::kNumber, "a count");
    if (!v) return;
    if (v->text.empty() || v->text.size() > 15 || v->text.find_first_not_of("0123456789") != std::string::npos) {
      return fault(key, "is not a count");
    }
    out = static_cast<std::size_t>(std::stoull(v->text));
  }
  void time(std::string_view key, Timestamp& out) {
    std::string text;
    str(key, text);
    if (!err_.empty()) return;
    auto t = Timestamp::parse(text);
    if (!t) return fault(key, "is not a time");
    out = *t;
  }
  void opt_time(std::string_view key, std::optional<Timestamp>& out) {
    const Value* v = obj_.find(key);
    if (v && v->kind == Kind::kNull) return out.reset();
    Timestamp t;
    time(key, t);
    out = t;
  }
  // A scalar kept as its exact text.
  void literal(std::string_view key, std::string& out) {
    const Value* v = obj_.find(key);
    if (!v || v->kind == Kind::kArray || v->kind == Kind::kObject) return fault(key, "is not a scalar");
    out.assign(src_.substr(v->begin, v->end - v->begin));
  }
  // An object kept as its exact text.
  void raw_object(std::string_view key, std::string& out) {
    if (const Value* v = get(key, Kind::kObject, "an object")) {
      out.assign(src_.substr(v->begin, v->end - v->begin));
    }
  }
  void strings(std::string_view key, std::vector<std::string>& out) {
    const Value* v = get(key, Kind::kArray, "an array");
    if (!v) return;
    for (const auto& item : v->items) {
      if (item.kind != Kind::kString) return fault(key, "holds a non-string");
      out.push_back(item.text);
    }
  }
  const Value* get(std::string_view key, Kind kind, const char* what) {
    if (!err_.empty()) return nullptr;
    const Value* v = obj_.find(key);
    if (!v || v->kind != kind) {
      fault(key, fmt::format("is missing or not {}", what));
      return nullptr;
    }
    return v;
  }
  void fault(std::string_view key, std::string_view why) {
    if (!err_.empty()) return;
    err_ = key.empty() ? fmt::format("{} {}", where_, why) : fmt::format("{}.{} {}", where_, key, why);
  }
  const std::string& where() const { return where_; }

 private:
  std::string_view src_;
  const Value& obj_;
  std::string where_;
  std::string& err_;
};

PlanItem read_item(std::string_view src, const Value& v, std::string where, std::string& err) {
  PlanItem it;
  Fields f(src, v, std::move(where), err);
  f.str("sobject", it.sobject);
  f.str("record_id", it.record_id);
  f.str("field", it.field);
  f.str("api_field", it.api_field);
  f.str("describe_type", it.describe_type);
  std::string status;
  f.str("status", status);
  if (err.empty()) {
    auto s = parse_item_status(status);
    if (!s) f.fault("status", "is not a known status");
    else it.status = *s;
  }
  f.literal("restore_to", it.restore_to);
  f.literal("attacker_value", it.attacker_value);
  f.opt_str("restore_name", it.restore_name);
  f.opt_str("attacker_name", it.attacker_name);
  f.str("reason", it.reason);
  f.boolean("rescued_from_snapshot", it.rescued_from_snapshot);
  f.boolean("ambiguous", it.ambiguous);
  f.size("changes", it.changes);
  f.str("first_history_id", it.first_history_id);
  f.time("first_changed_at", it.first_changed_at);
  f.str("last_history_id", it.last_history_id);
  f.time("last_changed_at", it.last_changed_at);
  f.strings("conflict_by", it.conflict_by);
  return it;
}

RecordRef read_ref(std::string_view src, const Value& v, std::string where, std::string& err) {
  RecordRef r;
  Fields f(src, v, std::move(where), err);
  f.str("sobject", r.sobject);
  f.str("record_id", r.record_id);
  f.str("changed_by", r.changed_by);
  f.opt_time("changed_at", r.changed_at);
  f.str("history_id", r.history_id);
  return r;
}

Batch read_batch(std::string_view src, const Value& v, std::string where, std::string& err) {
  Batch b;
  Fields f(src, v, where, err);
  f.str("method", b.method);
  f.str("path", b.path);
  f.raw_object("body", b.body);
  f.strings("record_ids", b.record_ids);
  const Value* rereads = f.get("rereads", Kind::kArray, "an array");
  if (!rereads) return b;
  for (std::size_t i = 0; i < rereads->items.size(); ++i) {
    Fields r(src, rereads->items[i], fmt::format("{}.rereads[{}]", where, i), err);
    HttpCall call;
    r.str("method", call.method);
    r.str("path", call.path);
    r.raw_object("body", call.body);
    b.rereads.push_back(std::move(call));
  }
  return b;
}

template <class T, class F>
void read_list(std::string_view src, Fields& top, std::string_view key, std::vector<T>& out,
               std::string& err, F read_one) {
  const Value* list = top.get(key, Kind::kArray, "an array");
  if (!list) return;
  out.reserve(list->items.size());
  for (std::size_t i = 0; i < list->items.size() && err.empty(); ++i) {
    out.push_back(read_one(src, list->items[i], fmt::format("{}[{}]", key, i), err));
  }
}

void read_head(std::string_view src, const Value& root, Plan& p, std::string& err) {
  Fields f(src, root, "plan", err);
  std::string format, mode;
  f.str("format", format);
  if (err.empty() && format != kPlanFormat) f.fault("format", "is not " + std::string(kPlanFormat));
  f.str("plan_id", p.plan_id);
  f.strings("users", p.users);
  if (const Value* w = f.get("window", Kind::kObject, "an object")) {
    Fields wf(src, *w, "plan.window", err);
    wf.time("from", p.window_from);
    wf.time("to", p.window_to);
  }
  f.str("api_version", p.api_version);
  f.str("mode", mode);
  if (err.empty()) {
    auto m = parse_batch_mode(mode);
    if (!m) f.fault("mode", "is not collections or guarded");
    else p.mode = *m;
  }
  if (const Value* e = f.get("estimate", Kind::kObject, "an object")) {
    Fields ef(src, *e, "plan.estimate", err);
    ef.size("write_calls", p.estimate.write_calls);
    ef.size("reread_calls", p.estimate.reread_calls);
  }
  f.str("hash", p.hash);
}

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "plan file: " + message);
}

}  // namespace

Result<Plan> plan_from_json(std::string_view text) {
  auto root = json::parse(text);
  if (!root) return invalid(root.error().message);
  Plan p;
  std::string err;
  read_head(text, *root, p, err);
  Fields top(text, *root, "plan", err);
  read_list(text, top, "items", p.items, err, read_item);
  read_list(text, top, "created", p.created, err, read_ref);
  read_list(text, top, "deleted", p.deleted, err, read_ref);
  read_list(text, top, "batches", p.batches, err, read_batch);
  if (!err.empty()) return invalid(err);
  const std::string hash = plan_hash(p);
  if (hash.empty()) return make_error(ErrorCode::kInternal, "cannot compute the plan's SHA-256");
  if (hash != p.hash) {
    return invalid("hash does not match the contents (the plan was edited after it was made)");
  }
  if (plan_id_for_hash(p.hash) != p.plan_id) {
    return invalid("plan_id does not match the contents");
  }
  return p;
}

Result<FieldValue> decode_json_literal(std::string_view literal) {
  auto v = json::parse(literal);
  if (!v) return invalid(v.error().message);
  switch (v->kind) {
    case Kind::kNull: return FieldValue::null();
    case Kind::kBool: return FieldValue::boolean(v->text == "true");
    case Kind::kNumber: return FieldValue::number(v->text);
    case Kind::kString: return FieldValue::text_value(v->text);
    default: break;
  }
  return invalid("value is not a JSON scalar");
}

}  // namespace sfrewind::rollback
