// Shared between the plan writer and reader (private to rollback).
#pragma once

#include <string>
#include <string_view>

#include <sfrewind/rollback/plan.hpp>

namespace sfrewind::rollback {

// The "format" member of every plan file.
inline constexpr std::string_view kPlanFormat = "sfrewind-plan/1";

// Compact JSON of the plan without its hash: what plan_hash digests.
std::string canonical_plan_json(const Plan& plan);

// The plan id the contents give: "p" + the first 16 hex digits of the SHA-256 of the canonical
// JSON with an empty plan id.
std::string expected_plan_id(const Plan& plan);

}  // namespace sfrewind::rollback
