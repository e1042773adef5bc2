// Plan lookup by id or file, and the plan's rows for the store.
#include "cli/plan_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sfrewind::cli {
namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kInvalidArgument, fmt::format("cannot read '{}'", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<LoadedPlan> load_plan_ref(Store& store, const std::string& ref) {
  LoadedPlan out;
  std::error_code ec;
  std::string text;
  if (std::filesystem::is_regular_file(ref, ec)) {
    auto t = read_file(ref);
    if (!t) return t.error();
    text = std::move(*t);
    out.from_file = true;
  } else {
    auto stored = store.load_plan(ref);
    if (!stored) return stored.error();
    if (!*stored) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("no plan '{}' in the store and no such file", ref));
    }
    text = (*stored)->plan_json;
  }
  auto plan = rollback::plan_from_json(text);
  if (!plan) return with_context(plan.error(), out.from_file ? ref : "stored plan " + ref);
  out.plan = std::move(*plan);
  if (out.from_file) {
    auto stored = store.load_plan(out.plan.plan_id);
    if (!stored) return stored.error();
    out.in_store = stored->has_value();
    if (out.in_store && (*stored)->content_hash != out.plan.hash) {
      return make_error(ErrorCode::kInvalidArgument,
                        "the plan file differs from the stored plan with the same id");
    }
  } else {
    out.in_store = true;
  }
  return out;
}

StoredPlan stored_plan(const rollback::Plan& plan, const std::string& org_id) {
  return stored_plan(plan, org_id, rollback::plan_to_json(plan));
}

StoredPlan stored_plan(const rollback::Plan& plan, const std::string& org_id, std::string text) {
  StoredPlan s;
  s.plan_id = plan.plan_id;
  s.org_id = org_id;
  s.created_at = Timestamp::now();
  for (const auto& u : plan.users) s.users += (s.users.empty() ? "" : ",") + u;
  s.window_from = plan.window_from;
  s.window_to = plan.window_to;
  s.content_hash = plan.hash;
  s.plan_json = std::move(text);
  return s;
}

std::vector<PlanItemRef> stored_items(const rollback::Plan& plan) {
  std::vector<PlanItemRef> rows;
  rows.reserve(plan.items.size());
  for (const auto& it : plan.items) {
    rows.push_back(PlanItemRef{it.sobject, it.record_id, it.field,
                               rollback::item_status_name(it.status), it.restore_to,
                               it.attacker_value, it.reason});
  }
  return rows;
}

}  // namespace sfrewind::cli
