// Private helpers shared by the report's builder and renderers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/report/report.hpp>
#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::report {

// The plan's counts by status and by (object, field, status), and its API estimate.
PlanSection plan_section(const rollback::Plan& plan);

// Journal outcomes of the plan in `in`, split into apply and verify.
JournalSection journal_section(const ReportInputs& in);

// Conflicts, unrestorable items, unsuccessful journal outcomes, created and deleted records.
std::vector<AttentionItem> attention_items(const ReportInputs& in, const timeline::Chains& chains);

// "2026-11-20 01:00:00Z": the report's human form of a time.
std::string human_time(Timestamp t);

// Key times in one line: first and last change, and the last login before the window with its
// source; empty when there is neither a change nor such a login.
std::string key_times(const IncidentReport& r);

// "10 minutes", "1 hour", "6 hours", "1 day", "7 days".
std::string bucket_label(std::int64_t bucket_ms);

// A bucket's start as a short axis label: "01:10" for buckets under a day, "11-20" otherwise.
std::string axis_label(Timestamp start, std::int64_t bucket_ms);

// The text shown for a value: "null" for nullopt, with the lookup name in parentheses.
std::string value_text(const std::optional<std::string>& value,
                       const std::optional<std::string>& name);

// A JSON literal of a plan value ("\"x\"", "true", "null") shown as plain text.
std::string literal_text(std::string_view literal);

}  // namespace sfrewind::report
