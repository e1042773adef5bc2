// Plan JSON writing, the canonical form its hash covers, plan ids and enum names.
#include <sfrewind/rollback/plan.hpp>

#include <thread>

#include "core/sha256.hpp"
#include "rollback/json.hpp"
#include "rollback/plan_json.hpp"

namespace sfrewind::rollback {
namespace {

void write_item(json::Writer& w, const PlanItem& it) {
  w.begin_object();
  w.key("sobject"), w.string(it.sobject);
  w.key("record_id"), w.string(it.record_id);
  w.key("field"), w.string(it.field);
  w.key("api_field"), w.string(it.api_field);
  w.key("describe_type"), w.string(it.describe_type);
  w.key("status"), w.string(item_status_name(it.status));
  w.key("restore_to"), w.raw(it.restore_to);
  w.key("attacker_value"), w.raw(it.attacker_value);
  w.key("restore_name"), w.optional_string(it.restore_name);
  w.key("attacker_name"), w.optional_string(it.attacker_name);
  w.key("reason"), w.string(it.reason);
  w.key("rescued_from_snapshot"), w.boolean(it.rescued_from_snapshot);
  w.key("ambiguous"), w.boolean(it.ambiguous);
  w.key("changes"), w.number(it.changes);
  w.key("first_history_id"), w.string(it.first_history_id);
  w.key("first_changed_at"), w.string(it.first_changed_at.to_iso());
  w.key("last_history_id"), w.string(it.last_history_id);
  w.key("last_changed_at"), w.string(it.last_changed_at.to_iso());
  w.key("conflict_by");
  w.begin_array();
  for (const auto& u : it.conflict_by) w.string(u);
  w.end_array();
  w.end_object();
}

void write_ref(json::Writer& w, const RecordRef& r) {
  w.begin_object();
  w.key("sobject"), w.string(r.sobject);
  w.key("record_id"), w.string(r.record_id);
  w.key("changed_by"), w.string(r.changed_by);
  w.key("changed_at");
  if (r.changed_at) {
    w.string(r.changed_at->to_iso());
  } else {
    w.raw("null");
  }
  w.key("history_id"), w.string(r.history_id);
  w.end_object();
}

void write_call(json::Writer& w, const std::string& method, const std::string& path,
                const std::string& body) {
  w.key("method"), w.string(method);
  w.key("path"), w.string(path);
  w.key("body"), w.raw(body);
}

void write_batch(json::Writer& w, const Batch& b) {
  w.begin_object();
  write_call(w, b.method, b.path, b.body);
  w.key("record_ids");
  w.begin_array();
  for (const auto& id : b.record_ids) w.string(id);
  w.end_array();
  w.key("rereads");
  w.begin_array();
  for (const auto& r : b.rereads) {
    w.begin_object();
    write_call(w, r.method, r.path, r.body);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

template <class T, class F>
void write_list(json::Writer& w, std::string_view key, const std::vector<T>& list, F each) {
  w.key(key);
  w.begin_array();
  for (const auto& x : list) each(w, x);
  w.end_array();
}

void write_head(json::Writer& w, const Plan& p, std::string_view plan_id) {
  w.key("format"), w.string(kPlanFormat);
  w.key("plan_id"), w.string(plan_id);
  w.key("users");
  w.begin_array();
  for (const auto& u : p.users) w.string(u);
  w.end_array();
  w.key("window");
  w.begin_object();
  w.key("from"), w.string(p.window_from.to_iso());
  w.key("to"), w.string(p.window_to.to_iso());
  w.end_object();
  w.key("api_version"), w.string(p.api_version);
  w.key("mode"), w.string(batch_mode_name(p.mode));
  w.key("estimate");
  w.begin_object();
  w.key("write_calls"), w.number(p.estimate.write_calls);
  w.key("reread_calls"), w.number(p.estimate.reread_calls);
  w.key("api_calls"), w.number(p.estimate.total());
  w.end_object();
}

// `plan_id` stands in for p.plan_id so the id can be derived from an id-free form.
void write_plan(json::Writer& w, const Plan& p, bool with_hash, std::string_view plan_id) {
  w.begin_object();
  write_head(w, p, plan_id);
  write_list(w, "items", p.items, write_item);
  write_list(w, "created", p.created, write_ref);
  write_list(w, "deleted", p.deleted, write_ref);
  write_list(w, "batches", p.batches, write_batch);
  if (with_hash) w.key("hash"), w.string(p.hash);
  w.end_object();
}

// About the pretty text's size (an item is some 800 bytes): reserved at once, the text of a
// 100,000-item plan is not copied through every doubling on its way to 70 MB.
std::size_t text_size_hint(const Plan& p) {
  std::size_t n = 4096 + p.items.size() * 1024 + (p.created.size() + p.deleted.size()) * 256;
  for (const auto& b : p.batches) {
    n += b.body.size() + b.record_ids.size() * 32 + 256;
    for (const auto& r : b.rereads) n += r.body.size() + r.path.size() + 128;
  }
  return n;
}

std::string serialize(const Plan& p, bool pretty, bool with_hash, std::string_view plan_id) {
  json::Writer w(pretty);
  if (pretty) w.reserve(text_size_hint(p));
  write_plan(w, p, with_hash, plan_id);
  std::string out = w.take();
  if (pretty) out.push_back('\n');
  return out;
}

}  // namespace

std::string_view item_status_name(ItemStatus status) {
  switch (status) {
    case ItemStatus::kReady: return "ready";
    case ItemStatus::kConflict: return "conflict";
    case ItemStatus::kNoop: return "noop";
    case ItemStatus::kUnrestorable: break;
  }
  return "unrestorable";
}

Result<ItemStatus> parse_item_status(std::string_view name) {
  for (auto s : {ItemStatus::kReady, ItemStatus::kConflict, ItemStatus::kNoop,
                 ItemStatus::kUnrestorable}) {
    if (item_status_name(s) == name) return s;
  }
  return make_error(ErrorCode::kInvalidArgument, "unknown item status '" + std::string(name) + "'");
}

std::string_view batch_mode_name(BatchMode mode) {
  return mode == BatchMode::kGuarded ? "guarded" : "collections";
}

Result<BatchMode> parse_batch_mode(std::string_view name) {
  if (name == "collections") return BatchMode::kCollections;
  if (name == "guarded") return BatchMode::kGuarded;
  return make_error(ErrorCode::kInvalidArgument, "unknown batch mode '" + std::string(name) + "'");
}

// The digest of the canonical form (compact JSON without the hash, with an empty plan id),
// hashed as it is written rather than held whole.
std::string plan_hash(const Plan& plan) {
  Sha256 sha;
  json::Writer w(false, [&sha](std::string_view piece) { sha.update(piece); });
  write_plan(w, plan, false, "");
  (void)w.take();
  std::string hex = sha.hex();
  if (hex.empty()) return {};  // libcrypto missing or failing: no hash, no plan id
  return "sha256:" + hex;
}

std::string plan_id_for_hash(std::string_view hash) {
  if (hash.size() < std::string_view("sha256:").size() + 16) return {};
  std::string id("p");
  id.append(hash.substr(std::string_view("sha256:").size(), 16));
  return id;
}

void finalize_plan(Plan& plan) {
  plan.hash = plan_hash(plan);
  plan.plan_id = plan_id_for_hash(plan.hash);
}

std::string plan_to_json(const Plan& plan) { return serialize(plan, true, true, plan.plan_id); }

std::string finalize_plan_to_json(Plan& plan) {
  // Placeholders of the final lengths: "p" and 16 hex digits; "sha256:" and 64. The id is the
  // head's first run of marks (users are ids, nothing else comes before), the hash the last.
  const std::string id_mark(17, '#');
  const std::string hash_mark(71, '#');
  plan.plan_id.clear();
  plan.hash = hash_mark;
  std::string text;
  std::thread writer([&] { text = serialize(plan, true, true, id_mark); });
  std::string hash = plan_hash(plan);  // reads neither plan_id nor hash
  writer.join();
  plan.hash = std::move(hash);
  plan.plan_id = plan_id_for_hash(plan.hash);
  text.replace(text.find(id_mark), id_mark.size(), plan.plan_id);
  text.replace(text.rfind(hash_mark), hash_mark.size(), plan.hash);
  return text;
}

}  // namespace sfrewind::rollback
