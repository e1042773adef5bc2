// Shared between the plan writer and reader (private to rollback).
#pragma once

#include <string>
#include <string_view>

#include <sfrewind/rollback/plan.hpp>

namespace sfrewind::rollback {

// The "format" member of every plan file.
inline constexpr std::string_view kPlanFormat = "sfrewind-plan/1";

// The plan id a hash gives: "p" + its first 16 hex digits.
std::string plan_id_for_hash(std::string_view hash);

}  // namespace sfrewind::rollback
