// Alert checks after a sync: the rows the run brought, against what the store had before.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/timeline/alerts.hpp>

namespace sfrewind::report {

// The newest stored change over every org of the store (the cutoff to take before a sync).
Result<std::optional<Timestamp>> newest_change_any_org(Store& store);

// Evaluates `rules` for `org_id`: fresh rows are those changed after `cutoff` (all rows when
// nullopt), the baseline the integration users' rows at or before it. Without a cutoff (the
// store was empty) `new-field` is skipped: there is nothing to compare with. Returns one
// message per alert (timeline::alert_message), sorted.
Result<std::vector<std::string>> check_alerts(Store& store, const std::string& org_id,
                                              std::optional<Timestamp> cutoff,
                                              const timeline::AlertRules& rules);

}  // namespace sfrewind::report
