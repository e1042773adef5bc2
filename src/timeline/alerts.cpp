// Alert rules over freshly synced history rows.
#include <sfrewind/timeline/alerts.hpp>

#include <algorithm>
#include <charconv>
#include <tuple>

namespace sfrewind::timeline {
namespace {

constexpr std::int64_t kHourMs = 3600 * 1000;

std::string name_of(const std::map<std::string, std::string>& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() || it->second.empty() ? id : it->second;
}

void new_field_alerts(std::span<const HistoryRow> baseline, std::span<const HistoryRow> fresh,
                      const std::set<std::string>& integration, std::vector<Alert>& out) {
  using Key = std::tuple<std::string, std::string, std::string>;
  std::set<Key> known;
  for (const HistoryRow& r : baseline) known.insert({r.changed_by, r.sobject, r.field});
  std::map<Key, Timestamp> first;
  for (const HistoryRow& r : fresh) {
    if (!integration.count(r.changed_by) || is_history_event(r.field)) continue;
    Key k{r.changed_by, r.sobject, r.field};
    if (known.count(k)) continue;
    auto [it, added] = first.emplace(k, r.changed_at);
    if (!added && r.changed_at < it->second) it->second = r.changed_at;
  }
  for (const auto& [k, t] : first) {
    out.push_back(Alert{Alert::Kind::kNewField, std::get<0>(k), std::get<1>(k), std::get<2>(k), 0, t});
  }
}

// The busiest 60-minute window of one user's rows (sorted by time): distinct records and start.
std::pair<std::size_t, Timestamp> busiest_hour(const std::vector<const HistoryRow*>& rows) {
  std::map<std::string, std::size_t> in_window;
  std::size_t best = 0;
  Timestamp best_start;
  std::size_t lo = 0;
  for (std::size_t hi = 0; hi < rows.size(); ++hi) {
    ++in_window[rows[hi]->record_id];
    while (rows[hi]->changed_at.ms() - rows[lo]->changed_at.ms() >= kHourMs) {
      auto it = in_window.find(rows[lo]->record_id);
      if (--it->second == 0) in_window.erase(it);
      ++lo;
    }
    if (in_window.size() > best) {
      best = in_window.size();
      best_start = rows[lo]->changed_at;
    }
  }
  return {best, best_start};
}

void rate_alerts(std::span<const HistoryRow> fresh, const std::set<std::string>& integration,
                 std::size_t limit, std::vector<Alert>& out) {
  std::map<std::string, std::vector<const HistoryRow*>> by_user;
  for (const HistoryRow& r : fresh) {
    if (integration.count(r.changed_by)) by_user[r.changed_by].push_back(&r);
  }
  for (auto& [user, rows] : by_user) {
    std::sort(rows.begin(), rows.end(), [](const HistoryRow* a, const HistoryRow* b) {
      return std::tie(a->changed_at, a->history_id) < std::tie(b->changed_at, b->history_id);
    });
    auto [records, start] = busiest_hour(rows);
    if (records > limit) out.push_back(Alert{Alert::Kind::kRate, user, "", "", records, start});
  }
}

}  // namespace

Result<AlertRules> parse_alert_rules(std::span<const std::string> specs) {
  AlertRules rules;
  for (const std::string& s : specs) {
    if (s == "new-field") {
      rules.new_field = true;
      continue;
    }
    std::size_t n = 0;
    if (s.rfind("rate=", 0) == 0) {
      const char* b = s.data() + 5;
      const char* e = s.data() + s.size();
      auto [p, ec] = std::from_chars(b, e, n);
      if (ec == std::errc() && p == e && b != e && n >= 1) {
        rules.max_records_per_hour = n;
        continue;
      }
    }
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid --alert '" + s + "': expected new-field or rate=N (N >= 1)");
  }
  return rules;
}

std::vector<Alert> evaluate_alerts(std::span<const HistoryRow> baseline,
                                   std::span<const HistoryRow> fresh,
                                   const std::set<std::string>& integration,
                                   const AlertRules& rules) {
  std::vector<Alert> out;
  if (rules.new_field) new_field_alerts(baseline, fresh, integration, out);
  if (rules.max_records_per_hour) rate_alerts(fresh, integration, *rules.max_records_per_hour, out);
  return out;
}

std::string alert_message(const Alert& a, const std::map<std::string, std::string>& names,
                          const AlertRules& rules) {
  if (a.kind == Alert::Kind::kNewField) {
    return "alert: new field: " + name_of(names, a.user_id) + " changed " + a.sobject + "." +
           a.field + " for the first time at " + a.first.to_iso();
  }
  return "alert: rate: " + name_of(names, a.user_id) + " changed " + std::to_string(a.records) +
         " records within one hour from " + a.first.to_iso() + " (limit " +
         std::to_string(rules.max_records_per_hour.value_or(0)) + ")";
}

}  // namespace sfrewind::timeline
