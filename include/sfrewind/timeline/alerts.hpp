// Alert rules for unattended syncs: an integration user touching a field it never touched
// before, or too many records within an hour. Pure code: no I/O.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/history.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::timeline {

struct AlertRules {
  // `new-field`: an integration user changed an (object, field) none of its baseline rows has.
  bool new_field = false;
  // `rate=N`: an integration user changed more than N distinct records within 60 minutes.
  std::optional<std::size_t> max_records_per_hour;
};

// Parses `--alert` values: "new-field", "rate=N" (N >= 1). Returns kInvalidArgument otherwise.
Result<AlertRules> parse_alert_rules(std::span<const std::string> specs);

struct Alert {
  enum class Kind { kNewField, kRate };
  Kind kind = Kind::kNewField;
  std::string user_id;
  std::string sobject;      // kNewField
  std::string field;        // kNewField
  std::size_t records = 0;  // kRate: distinct records in the busiest hour
  Timestamp first;          // kNewField: first change; kRate: start of the busiest hour
};

// Evaluates `rules` on `fresh` rows (the rows a sync brought) of the `integration` users, with
// `baseline` (their earlier rows) as what they touched before. Event rows ("created"...) are not
// fields and never count as new fields, but do count as touched records for the rate.
// Alerts sorted by (kind, user, sobject, field).
std::vector<Alert> evaluate_alerts(std::span<const HistoryRow> baseline,
                                   std::span<const HistoryRow> fresh,
                                   const std::set<std::string>& integration,
                                   const AlertRules& rules);

// One line: "alert: new field: USER changed Account.Credit_Limit__c for the first time at T".
// `names` maps user ids to usernames (ids print when missing).
std::string alert_message(const Alert& alert, const std::map<std::string, std::string>& names,
                          const AlertRules& rules);

}  // namespace sfrewind::timeline
