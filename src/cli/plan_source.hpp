// Finding a plan for apply/verify: a plan id in the store or a plan file written by `plan --out`.
#pragma once

#include <string>

#include <sfrewind/rollback/plan.hpp>
#include <sfrewind/store/store.hpp>

namespace sfrewind::cli {

// A plan and where it came from.
struct LoadedPlan {
  rollback::Plan plan;
  bool from_file = false;
  bool in_store = false;  // the store already holds this plan (same id and hash)
};

// Loads `ref`: an existing file is read as a plan file (its hash checked), anything else is
// looked up as a plan id in `store`. Errors: kInvalidArgument for an unknown id, an unreadable
// or malformed file, or a hash that no longer matches (a hand-edited plan).
Result<LoadedPlan> load_plan_ref(Store& store, const std::string& ref);

// The store's rows for a plan (StoredPlan and one PlanItemRef per item, pointing into `plan`).
StoredPlan stored_plan(const rollback::Plan& plan, const std::string& org_id);
// The same with the plan file's text already made (plan_to_json(plan)).
StoredPlan stored_plan(const rollback::Plan& plan, const std::string& org_id, std::string text);
std::vector<PlanItemRef> stored_items(const rollback::Plan& plan);

}  // namespace sfrewind::cli
