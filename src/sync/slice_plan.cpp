// Slice planning and per-slice SOQL.
#include "sync/slice_plan.hpp"

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>

namespace sfrewind::sync {
namespace {

// Event rows that come with every selection (salesforce-api.md 1.3).
constexpr const char* kEvents[] = {"created", "ownerAssignment", "ownerAccepted", "ownerEscalated",
                                   "locked", "unlocked", "closed", "feedEvent"};

}  // namespace

std::vector<SyncSlice> plan_slices(Timestamp from, Timestamp now, int jobs,
                                   const std::string& run_id) {
  std::vector<SyncSlice> out;
  std::int64_t span_s = (now.ms() - from.ms()) / 1000;
  int n = jobs < 1 ? 1 : jobs;
  if (span_s < n) n = 1;  // under a second per slice: one slice
  std::int64_t step_s = n > 1 ? span_s / n : 0;
  Timestamp start = from;
  for (int i = 0; i < n; ++i) {
    SyncSlice s{run_id, start, std::nullopt, false};
    if (i + 1 < n) {
      s.to = Timestamp(start.ms() + step_s * 1000);
      start = *s.to;
    }
    out.push_back(s);
  }
  return out;
}

std::string field_condition(const std::vector<std::string>& fields) {
  if (fields.empty()) return "";
  std::string in;
  auto add = [&](std::string_view name) { in += (in.empty() ? "" : ", ") + api::quote_soql(name); };
  for (const std::string& f : fields) {
    add(f);
    if (f.size() > 2 && f.ends_with("Id") && f.find("__") == std::string::npos) {
      add(std::string_view(f).substr(0, f.size() - 2));
    }
  }
  for (const char* e : kEvents) add(e);
  return fmt::format("Field IN ({})", in);
}

std::string slice_soql(const api::HistoryObject& object, const std::string& condition,
                       Timestamp from, std::optional<Timestamp> to) {
  std::string soql = fmt::format("{} WHERE CreatedDate >= {}", api::history_select(object),
                                 api::soql_datetime(from));
  if (to) soql += " AND CreatedDate < " + api::soql_datetime(*to);
  if (!condition.empty()) soql += " AND " + condition;
  soql += " ORDER BY CreatedDate, Id";
  return soql;
}

}  // namespace sfrewind::sync
