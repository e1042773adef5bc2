// Planner: per (record, field) the users changed in the window, one item with its status.
#include <sfrewind/rollback/planner.hpp>

#include <algorithm>
#include <memory>
#include <utility>

#include <sfrewind/timeline/timeline.hpp>

#include "rollback/restorability.hpp"

namespace sfrewind::rollback {
namespace {

using timeline::Change;
using timeline::FieldChain;

using SnapshotIndex = std::unordered_map<std::string, std::vector<const SnapshotEntry*>>;

struct Context {
  const PlanRequest& req;
  Window window;
  std::unordered_set<std::string> users;
  std::shared_ptr<const SnapshotIndex> snapshots;  // by record+field; shared by forks
  std::unordered_set<std::string> deleted;  // req.deleted_records plus add_deleted's
};

std::string record_field_key(std::string_view record_id, std::string_view field) {
  std::string k(record_id);
  k.push_back('\x1f');
  k.append(field);
  return k;
}

bool by_users(const Context& ctx, const Change& c) { return ctx.users.count(c.changed_by) > 0; }

// Where the users' changes of one chain sit: first and last index inside the window.
struct Span {
  std::size_t first = 0;
  std::size_t last = 0;
  std::size_t count = 0;
};

std::optional<Span> users_span(const Context& ctx, const FieldChain& chain) {
  Span s;
  for (std::size_t i = 0; i < chain.changes.size(); ++i) {
    const Change& c = chain.changes[i];
    if (!by_users(ctx, c) || !ctx.window.contains(c.changed_at)) continue;
    if (s.count++ == 0) s.first = i;
    s.last = i;
  }
  if (s.count == 0) return std::nullopt;
  return s;
}

// The latest snapshot taken before the users' first change with no change in between.
const SnapshotEntry* rescue_snapshot(const Context& ctx, const FieldChain& chain, const Span& s) {
  auto it = ctx.snapshots->find(record_field_key(chain.record_id, chain.field));
  if (it == ctx.snapshots->end()) return nullptr;
  const Timestamp first_at = chain.changes[s.first].changed_at;
  const SnapshotEntry* best = nullptr;
  for (const SnapshotEntry* snap : it->second) {
    if (!(snap->taken_at < first_at)) continue;
    if (!best || best->taken_at < snap->taken_at) best = snap;
  }
  if (!best) return nullptr;
  for (std::size_t i = 0; i < s.first; ++i) {
    if (best->taken_at <= chain.changes[i].changed_at) return nullptr;
  }
  return best;
}

// Conflict: a change after the users' last one, or someone else's between first and last.
void check_conflict(const Context& ctx, const FieldChain& chain, const Span& s, PlanItem& item) {
  bool others_between = false, after = false, own_after = false;
  for (std::size_t i = s.first + 1; i < chain.changes.size(); ++i) {
    const Change& c = chain.changes[i];
    bool own = by_users(ctx, c);
    if (i > s.last) {
      after = true;
      own_after = own_after || own;
    } else if (!own) {
      others_between = true;
    }
    if (!own) item.conflict_by.push_back(c.changed_by);
  }
  std::sort(item.conflict_by.begin(), item.conflict_by.end());
  item.conflict_by.erase(std::unique(item.conflict_by.begin(), item.conflict_by.end()),
                         item.conflict_by.end());
  if (!after && !others_between) return;
  item.status = ItemStatus::kConflict;
  if (others_between) {
    item.reason = "changed by another user between the users' changes";
  } else if (own_after && item.conflict_by.empty()) {
    item.reason = "changed again by the users after the window";
  } else {
    item.reason = "changed by another user after the users' last change";
  }
}

void fill_identity(const FieldChain& chain, const Span& s, const FieldTarget& target,
                   PlanItem& item) {
  const Change& first = chain.changes[s.first];
  const Change& last = chain.changes[s.last];
  item.sobject = chain.sobject;
  item.record_id = chain.record_id;
  item.field = chain.field;
  item.api_field = target.api_field;
  item.describe_type = target.meta ? target.meta->type : std::string();
  item.changes = s.count;
  item.first_history_id = first.history_id;
  item.first_changed_at = first.changed_at;
  item.last_history_id = last.history_id;
  item.last_changed_at = last.changed_at;
  item.restore_name = first.old_name;
  item.attacker_name = last.new_name;
  item.attacker_value = encode_for_display(last.new_value, item.describe_type);
  for (std::size_t i = s.first; i < chain.changes.size(); ++i) {
    item.ambiguous = item.ambiguous || chain.changes[i].ambiguous;
  }
}

// Decides restore_to and the status of one item.
void decide(const Context& ctx, const FieldChain& chain, const Span& s, const FieldTarget& target,
            PlanItem& item) {
  const Change& first = chain.changes[s.first];
  if (auto fixed = fixed_reason(chain, target, ctx.deleted)) {
    item.restore_to = encode_for_display(first.old_value, item.describe_type);
    item.reason = *fixed;
    return;
  }
  FieldValue restore = first.old_value;
  std::string encoded;
  std::optional<std::string> problem = value_problem(first, *target.meta, encoded);
  if (problem) {
    const SnapshotEntry* snap = rescue_snapshot(ctx, chain, s);
    std::string rescued;
    if (!snap || snapshot_problem(snap->value, *target.meta, rescued)) {
      item.restore_to = encode_for_display(first.old_value, item.describe_type);
      item.reason = *problem;
      return;
    }
    restore = snap->value;
    encoded = std::move(rescued);
    item.rescued_from_snapshot = true;
    item.restore_name.reset();
    item.reason = "rescued from the snapshot of " + snap->taken_at.to_iso() + ": " + *problem;
  }
  item.restore_to = std::move(encoded);
  const FieldValue& current = chain.changes.back().new_value;
  bool already_back = !item.rescued_from_snapshot && same_value(current, restore);
  item.status = ItemStatus::kReady;
  // Someone else's later edit makes the item a conflict even when it put the pre-window value
  // back: a person decided that field after the attack, so a human looks before anything else.
  check_conflict(ctx, chain, s, item);
  if (item.status == ItemStatus::kConflict) {
    if (already_back) item.reason += " (it already holds the pre-window value)";
    return;
  }
  if (already_back) {
    item.status = ItemStatus::kNoop;
    item.reason.clear();
    return;
  }
  if (item.ambiguous) {
    item.status = ItemStatus::kConflict;
    item.reason = "the order of same-second changes is ambiguous; check by hand";
  }
}

// Where each record's entry in plan.deleted is.
using DeletedAt = std::unordered_map<std::string, std::size_t>;

// Lists `ref`, a deletion by the users, unless its record has an earlier one listed (then the
// earlier stays; a later one is replaced).
void keep_earliest_deletion(RecordRef ref, DeletedAt& deleted_at, Plan& plan) {
  auto [at, fresh] = deleted_at.try_emplace(ref.record_id, plan.deleted.size());
  if (fresh) {
    plan.deleted.push_back(std::move(ref));
    return;
  }
  RecordRef& kept = plan.deleted[at->second];
  if (std::tie(ref.changed_at, ref.history_id) < std::tie(kept.changed_at, kept.history_id)) {
    kept = std::move(ref);
  }
}

// The users' created and deleted events among `events`. A record keeps its earliest deletion by
// them, whichever part its events came in.
void add_events(const Context& ctx, const std::vector<timeline::Event>& events,
                DeletedAt& deleted_at, Plan& plan) {
  for (const auto& e : events) {
    bool mine = ctx.users.count(e.changed_by) > 0 && ctx.window.contains(e.changed_at);
    if (!mine) continue;
    RecordRef ref{e.sobject, e.record_id, e.changed_by, e.changed_at, e.history_id};
    if (e.name == "created") {
      plan.created.push_back(std::move(ref));
    } else if (timeline::is_deletion_event(e.name)) {
      keep_earliest_deletion(std::move(ref), deleted_at, plan);
    }
  }
}

// Touched records deleted in the org with no deletion event of the users; then sorts both lists.
void finish_events(const Context& ctx, const std::unordered_set<std::string>& touched,
                   DeletedAt& deleted_at, Plan& plan) {
  for (const auto& key : touched) {
    auto cut = key.find('\x1f');
    std::string record_id = key.substr(cut + 1);
    if (!ctx.deleted.count(record_id)) continue;
    if (deleted_at.try_emplace(record_id, plan.deleted.size()).second) {
      plan.deleted.push_back(RecordRef{key.substr(0, cut), record_id, "", std::nullopt, ""});
    }
  }
  auto order = [](const RecordRef& a, const RecordRef& b) {
    return std::tie(a.sobject, a.record_id) < std::tie(b.sobject, b.record_id);
  };
  std::sort(plan.created.begin(), plan.created.end(), order);
  std::sort(plan.deleted.begin(), plan.deleted.end(), order);
}

Result<Context> make_context(const PlanRequest& req) {
  if (req.users.empty()) return make_error(ErrorCode::kInvalidArgument, "plan: no users given");
  if (req.api_version.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "plan: no API version given");
  }
  auto window = Window::make(req.from, req.to);
  if (!window) return with_context(window.error(), "plan");
  auto snapshots = std::make_shared<SnapshotIndex>();
  for (const auto& s : req.snapshots) {
    (*snapshots)[record_field_key(s.record_id, s.field)].push_back(&s);
  }
  return Context{req, *window, {req.users.begin(), req.users.end()}, std::move(snapshots),
                 req.deleted_records};
}

}  // namespace

std::string field_key(std::string_view sobject, std::string_view field) {
  std::string k(sobject);
  k.push_back('.');
  k.append(field);
  return k;
}

struct PlanBuilder::State {
  Context ctx;
  Plan plan;
  std::unordered_set<std::string> touched;  // sobject + record id
  DeletedAt deleted_at;
};

PlanBuilder::PlanBuilder(std::unique_ptr<State> state) : state_(std::move(state)) {}
PlanBuilder::PlanBuilder(PlanBuilder&&) noexcept = default;
PlanBuilder& PlanBuilder::operator=(PlanBuilder&&) noexcept = default;
PlanBuilder::~PlanBuilder() = default;

Result<PlanBuilder> PlanBuilder::start(const PlanRequest& request) {
  auto ctx = make_context(request);
  if (!ctx) return ctx.error();
  auto state = std::make_unique<State>(State{std::move(*ctx), {}, {}, {}});
  Plan& plan = state->plan;
  plan.users = request.users;
  std::sort(plan.users.begin(), plan.users.end());
  plan.users.erase(std::unique(plan.users.begin(), plan.users.end()), plan.users.end());
  plan.window_from = request.from;
  plan.window_to = request.to;
  plan.api_version = request.api_version;
  plan.mode = request.mode;
  return PlanBuilder(std::move(state));
}

void PlanBuilder::reserve(std::size_t items) { state_->plan.items.reserve(items); }

PlanBuilder PlanBuilder::fork() const {
  const State& st = *state_;
  // The same context but for add_deleted's records, which stay with the builder given them.
  Context ctx{st.ctx.req, st.ctx.window, st.ctx.users, st.ctx.snapshots,
              st.ctx.req.deleted_records};
  auto state = std::make_unique<State>(State{std::move(ctx), {}, {}, {}});
  Plan& plan = state->plan;
  plan.users = st.plan.users;
  plan.window_from = st.plan.window_from;
  plan.window_to = st.plan.window_to;
  plan.api_version = st.plan.api_version;
  plan.mode = st.plan.mode;
  return PlanBuilder(std::move(state));
}

void PlanBuilder::absorb(PlanBuilder&& later) {
  State& st = *state_;
  State& other = *later.state_;
  Plan& plan = st.plan;
  plan.items.insert(plan.items.end(), std::make_move_iterator(other.plan.items.begin()),
                    std::make_move_iterator(other.plan.items.end()));
  plan.created.insert(plan.created.end(), std::make_move_iterator(other.plan.created.begin()),
                      std::make_move_iterator(other.plan.created.end()));
  for (RecordRef& ref : other.plan.deleted) {
    keep_earliest_deletion(std::move(ref), st.deleted_at, plan);
  }
  st.touched.merge(other.touched);
  st.ctx.deleted.merge(other.ctx.deleted);
  later.state_.reset();
}

void PlanBuilder::add_deleted(const std::string& record_id) {
  state_->ctx.deleted.insert(record_id);
}

void PlanBuilder::add(std::span<const HistoryRow> rows) {
  State& st = *state_;
  timeline::Chains all = timeline::build_chains(rows);
  for (const auto& chain : all.chains) {
    auto span = users_span(st.ctx, chain);
    if (!span) continue;
    st.touched.insert(record_field_key(chain.sobject, chain.record_id));
    FieldTarget target = resolve_target(st.ctx.req.fields, chain);
    PlanItem item;
    fill_identity(chain, *span, target, item);
    decide(st.ctx, chain, *span, target, item);
    st.plan.items.push_back(std::move(item));
  }
  add_events(st.ctx, all.events, st.deleted_at, st.plan);
}

// Everything but the id and hash.
void PlanBuilder::assemble() {
  State& st = *state_;
  Plan& plan = st.plan;
  // Parts may come in another order than (sobject, record_id, field): items keep that order.
  auto order = [](const PlanItem& a, const PlanItem& b) {
    return std::tie(a.sobject, a.record_id, a.field) < std::tie(b.sobject, b.record_id, b.field);
  };
  if (!std::is_sorted(plan.items.begin(), plan.items.end(), order)) {
    std::sort(plan.items.begin(), plan.items.end(), order);
  }
  finish_events(st.ctx, st.touched, st.deleted_at, plan);
  Batches batches = make_batches(plan.items, plan.mode, plan.api_version, st.ctx.req.limits);
  plan.batches = std::move(batches.batches);
  plan.estimate = batches.estimate;
}

Plan PlanBuilder::finish() {
  assemble();
  finalize_plan(state_->plan);
  return std::move(state_->plan);
}

Plan PlanBuilder::finish(std::string& text) {
  assemble();
  text = finalize_plan_to_json(state_->plan);
  return std::move(state_->plan);
}

Result<Plan> build_plan(const PlanRequest& request, std::span<const HistoryRow> rows) {
  auto builder = PlanBuilder::start(request);
  if (!builder) return builder.error();
  builder->add(rows);
  return builder->finish();
}

}  // namespace sfrewind::rollback
