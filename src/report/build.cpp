// build_report: turns history rows, logins, a plan and its journal into the IncidentReport model.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <sfrewind/report/report.hpp>
#include <sfrewind/timeline/timeline.hpp>

#include "report/internal.hpp"

namespace sfrewind::report {
namespace {

using Directory = std::map<std::string, const UserRecord*>;

std::string display_name(const Directory& dir, const std::string& user_id) {
  auto it = dir.find(user_id);
  return it == dir.end() || it->second->username.empty() ? user_id : it->second->username;
}

std::vector<ReportUser> scope_users(const ReportInputs& in, const Directory& dir) {
  std::vector<ReportUser> out;
  for (const std::string& id : in.user_ids) {
    ReportUser u{id, "", "", "", "", false};
    if (auto it = dir.find(id); it != dir.end()) {
      const UserRecord& r = *it->second;
      u = ReportUser{id, r.username, r.name, r.profile, r.license, r.is_integration};
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<ReportLogin> scope_logins(const ReportInputs& in, const IncidentReport& r,
                                      const Directory& dir) {
  std::set<std::string> users(in.user_ids.begin(), in.user_ids.end());
  std::vector<ReportLogin> out;
  for (const LoginRecord& l : in.logins) {
    if (!users.count(l.user_id) || l.login_time < r.logins_from || l.login_time >= r.logins_to) {
      continue;
    }
    const char* when = l.login_time < r.window_from ? "before"
                       : l.login_time < r.window_to ? "inside"
                                                    : "after";
    out.push_back(ReportLogin{l.user_id, display_name(dir, l.user_id), l.login_time, l.source_ip,
                              l.login_type, l.application, l.status, when});
  }
  std::sort(out.begin(), out.end(), [](const ReportLogin& a, const ReportLogin& b) {
    return std::tie(a.time, a.user_id, a.source_ip) < std::tie(b.time, b.user_id, b.source_ip);
  });
  return out;
}

ChangeLine change_line(const timeline::Change& c, const Directory& dir) {
  return ChangeLine{
      c.history_id,         c.sobject,  c.record_id, c.field,      c.old_value.stored(),
      c.new_value.stored(), c.old_name, c.new_name,  c.changed_by, display_name(dir, c.changed_by),
      c.changed_at,         false,      ""};
}

ChangeLine event_line(const timeline::Event& e, const Directory& dir) {
  return ChangeLine{e.history_id,
                    e.sobject,
                    e.record_id,
                    e.name,
                    e.old_value,
                    e.new_value,
                    std::nullopt,
                    std::nullopt,
                    e.changed_by,
                    display_name(dir, e.changed_by),
                    e.changed_at,
                    true,
                    ""};
}

using ItemKey = std::tuple<std::string, std::string, std::string>;

std::vector<ChangeLine> scope_changes(const ReportInputs& in, const timeline::Chains& chains,
                                      const Directory& dir) {
  std::map<ItemKey, std::string> status;
  if (in.plan) {
    for (const rollback::PlanItem& i : in.plan->items) {
      status[{i.sobject, i.record_id, i.field}] = std::string(rollback::item_status_name(i.status));
    }
  }
  std::vector<ChangeLine> out;
  for (const timeline::FieldChain& chain : chains.chains) {
    for (const timeline::Change& c : chain.changes) out.push_back(change_line(c, dir));
  }
  for (const timeline::Event& e : chains.events) out.push_back(event_line(e, dir));
  for (ChangeLine& c : out) {
    if (auto it = status.find({c.sobject, c.record_id, c.field}); it != status.end()) {
      c.plan_status = it->second;
    }
  }
  std::sort(out.begin(), out.end(), [](const ChangeLine& a, const ChangeLine& b) {
    return std::tie(a.changed_at, a.history_id) < std::tie(b.changed_at, b.history_id);
  });
  return out;
}

void summarize_fields(IncidentReport& r) {
  std::map<std::pair<std::string, std::string>, FieldSummary> by_field;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> records;
  std::set<std::pair<std::string, std::string>> all_records;
  for (const ChangeLine& c : r.changes) {
    auto key = std::make_pair(c.sobject, c.field);
    auto [it, fresh] = by_field.try_emplace(
        key, FieldSummary{c.sobject, c.field, 0, 0, c.changed_at, c.changed_at});
    FieldSummary& s = it->second;
    ++s.changes;
    s.first = std::min(s.first, c.changed_at);
    s.last = std::max(s.last, c.changed_at);
    records[key].insert(c.record_id);
    all_records.insert({c.sobject, c.record_id});
  }
  for (auto& [key, s] : by_field) {
    s.records = records[key].size();
    r.by_field.push_back(s);
  }
  r.records_changed = all_records.size();
}

void fill_buckets(IncidentReport& r) {
  r.bucket_ms = choose_bucket_ms(r.window_from, r.window_to);
  std::int64_t start = r.window_from.ms() - (r.window_from.ms() % r.bucket_ms);
  for (std::int64_t t = start; t < r.window_to.ms(); t += r.bucket_ms) {
    r.buckets.push_back(TimeBucket{Timestamp(t), 0});
  }
  for (const ChangeLine& c : r.changes) {
    auto i = static_cast<std::size_t>((c.changed_at.ms() - start) / r.bucket_ms);
    if (c.changed_at.ms() >= start && i < r.buckets.size()) ++r.buckets[i].changes;
  }
}

}  // namespace

std::int64_t choose_bucket_ms(Timestamp from, Timestamp to) {
  constexpr std::int64_t kMinute = 60 * 1000;
  constexpr std::int64_t kSizes[] = {10 * kMinute, 60 * kMinute, 360 * kMinute, 1440 * kMinute,
                                     7 * 1440 * kMinute};
  for (std::int64_t size : kSizes) {
    std::int64_t start = from.ms() - (from.ms() % size);
    if ((to.ms() - start + size - 1) / size <= 72) return size;
  }
  return kSizes[4];
}

IncidentReport build_report(const ReportInputs& in) {
  Directory dir;
  for (const UserRecord& u : in.directory) {
    if (in.org_id.empty() || u.org_id.empty() || u.org_id == in.org_id) dir[u.user_id] = &u;
  }
  IncidentReport r;
  r.org_id = in.org_id;
  r.generated_at = in.generated_at;
  r.window_from = in.from;
  r.window_to = in.to;
  r.logins_from = Timestamp(in.from.ms() - kLoginMarginMs);
  r.logins_to = Timestamp(in.to.ms() + kLoginMarginMs);
  r.users = scope_users(in, dir);
  r.logins = scope_logins(in, r, dir);
  timeline::ChangeFilter filter;
  filter.users = in.user_ids;
  filter.from = in.from;
  filter.to = in.to;
  std::vector<HistoryRow> rows = timeline::filter_rows(in.rows, filter);
  timeline::Chains chains = timeline::build_chains(rows);
  r.changes = scope_changes(in, chains, dir);
  summarize_fields(r);
  fill_buckets(r);
  if (in.plan) r.plan = plan_section(*in.plan);
  r.journal = journal_section(in);
  r.attention = attention_items(in, chains);
  return r;
}

}  // namespace sfrewind::report
