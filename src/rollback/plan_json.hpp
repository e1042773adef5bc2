// Shared between the plan writer and reader (private to rollback).
#pragma once

#include <string>
#include <string_view>

#include <sfrewind/rollback/plan.hpp>

namespace sfrewind::rollback {

// The "format" member of every plan file.
inline constexpr std::string_view kPlanFormat = "sfrewind-plan/1";

// Compact JSON of the plan without its hash and with an empty plan id: what plan_hash digests.
std::string canonical_plan_json(const Plan& plan);

// The plan id a hash gives: "p" + its first 16 hex digits.
std::string plan_id_for_hash(std::string_view hash);

}  // namespace sfrewind::rollback
