// Slice planning and the per-slice SOQL of a history sync (pure).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sfrewind/api/records.hpp>
#include <sfrewind/store/store.hpp>

namespace sfrewind::sync {

// Splits [from, now) into at most `jobs` slices of equal length (whole seconds); the last slice
// is open-ended so rows created while the run goes on are not missed.
std::vector<SyncSlice> plan_slices(Timestamp from, Timestamp now, int jobs,
                                   const std::string& run_id);

// The `Field IN (...)` condition for a field selection ("" = every field). Lookups also select
// their history name without "Id" (OwnerId -> Owner), and event rows always come along.
std::string field_condition(const std::vector<std::string>& fields);

// The SOQL of one slice, from `from` (which may be later than the slice's start when a slice
// is restarted after an expired cursor), ordered by CreatedDate then Id.
std::string slice_soql(const api::HistoryObject& object, const std::string& field_condition,
                       Timestamp from, std::optional<Timestamp> to);

}  // namespace sfrewind::sync
