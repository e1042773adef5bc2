// render_csv and render_json: the report as data for spreadsheets and scripts.
#include <fmt/format.h>

#include "report/internal.hpp"

namespace sfrewind::report {
namespace {

// RFC 4180: quoted when it holds a comma, quote or line break. A leading =, +, - or @ gets a
// quote prefix so spreadsheets do not run attacker-written values as formulas.
std::string csv_field(std::string_view text) {
  std::string value(text);
  if (!value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '@' ||
       (value[0] == '-' && value.find_first_not_of("-0123456789.") != std::string::npos))) {
    value = "'" + value;
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string opt(const std::optional<std::string>& v) { return v ? *v : std::string(); }

std::string jopt(const std::optional<std::string>& v) { return v ? json_quote(*v) : "null"; }

std::string jq(std::string_view s) { return json_quote(s); }

std::string jtime(Timestamp t) { return json_quote(t.to_iso()); }

template <class T, class F>
std::string array(const std::vector<T>& items, const char* indent, F&& one) {
  if (items.empty()) return "[]";
  std::string out = "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += fmt::format("{}  {}{}\n", indent, one(items[i]), i + 1 < items.size() ? "," : "");
  }
  return out + indent + "]";
}

std::string users_json(const IncidentReport& r) {
  return array(r.users, "  ", [](const ReportUser& u) {
    return fmt::format(
        "{{\"user_id\": {}, \"username\": {}, \"name\": {}, \"profile\": {}, \"license\": {}, "
        "\"is_integration\": {}}}",
        jq(u.user_id), jq(u.username), jq(u.name), jq(u.profile), jq(u.license), u.is_integration);
  });
}

std::string logins_json(const IncidentReport& r) {
  return array(r.logins, "  ", [](const ReportLogin& l) {
    return fmt::format(
        "{{\"user_id\": {}, \"username\": {}, \"time\": {}, \"source_ip\": {}, \"login_type\": {}, "
        "\"application\": {}, \"status\": {}, \"when\": {}}}",
        jq(l.user_id), jq(l.username), jtime(l.time), jq(l.source_ip), jq(l.login_type),
        jq(l.application), jq(l.status), jq(l.when));
  });
}

std::string changes_json(const IncidentReport& r) {
  return array(r.changes, "  ", [](const ChangeLine& c) {
    return fmt::format(
        "{{\"history_id\": {}, \"sobject\": {}, \"record_id\": {}, \"field\": {}, \"is_event\": "
        "{}, "
        "\"old_value\": {}, \"new_value\": {}, \"old_name\": {}, \"new_name\": {}, "
        "\"changed_by\": {}, \"changed_by_name\": {}, \"changed_at\": {}, \"plan_status\": {}}}",
        jq(c.history_id), jq(c.sobject), jq(c.record_id), jq(c.field), c.is_event,
        jopt(c.old_value), jopt(c.new_value), jopt(c.old_name), jopt(c.new_name), jq(c.changed_by),
        jq(c.changed_by_name), jtime(c.changed_at), jq(c.plan_status));
  });
}

std::string fields_json(const IncidentReport& r) {
  return array(r.by_field, "  ", [](const FieldSummary& f) {
    return fmt::format(
        "{{\"sobject\": {}, \"field\": {}, \"changes\": {}, \"records\": {}, \"first\": {}, "
        "\"last\": {}}}",
        jq(f.sobject), jq(f.field), f.changes, f.records, jtime(f.first), jtime(f.last));
  });
}

std::string buckets_json(const IncidentReport& r) {
  return array(r.buckets, "  ", [](const TimeBucket& b) {
    return fmt::format("{{\"start\": {}, \"changes\": {}}}", jtime(b.start), b.changes);
  });
}

std::string plan_json(const IncidentReport& r) {
  if (!r.plan) return "null";
  const PlanSection& p = *r.plan;
  std::string status = array(p.by_status, "    ", [](const NameCount& c) {
    return fmt::format("{{\"status\": {}, \"items\": {}}}", jq(c.name), c.count);
  });
  std::string counts = array(p.counts, "    ", [](const ItemCount& c) {
    return fmt::format("{{\"sobject\": {}, \"field\": {}, \"status\": {}, \"items\": {}}}",
                       jq(c.sobject), jq(c.field), jq(c.status), c.items);
  });
  return fmt::format(
      "{{\n    \"plan_id\": {},\n    \"hash\": {},\n    \"mode\": {},\n    \"items\": {},\n"
      "    \"write_calls\": {},\n    \"reread_calls\": {},\n    \"by_status\": {},\n"
      "    \"counts\": {}\n  }}",
      jq(p.plan_id), jq(p.hash), jq(p.mode), p.items, p.write_calls, p.reread_calls, status,
      counts);
}

std::string journal_json(const IncidentReport& r) {
  auto one = [](const OutcomeCount& c) {
    return fmt::format("{{\"kind\": {}, \"outcome\": {}, \"entries\": {}}}", jq(c.kind),
                       jq(c.outcome), c.entries);
  };
  const JournalSection& j = r.journal;
  return fmt::format(
      "{{\n    \"entries\": {},\n    \"chain_intact\": {},\n    \"applied\": {},\n"
      "    \"verified\": {}\n  }}",
      j.entries, j.chain_intact ? (*j.chain_intact ? "true" : "false") : "null",
      array(j.applied, "    ", one), array(j.verified, "    ", one));
}

std::string attention_json(const IncidentReport& r) {
  return array(r.attention, "  ", [](const AttentionItem& a) {
    return fmt::format(
        "{{\"kind\": {}, \"sobject\": {}, \"record_id\": {}, \"field\": {}, \"detail\": {}}}",
        jq(a.kind), jq(a.sobject), jq(a.record_id), jq(a.field), jq(a.detail));
  });
}

}  // namespace

std::string render_csv(const IncidentReport& report) {
  std::string out =
      "history_id,sobject,record_id,field,is_event,old_value,new_value,old_name,new_name,"
      "changed_by,changed_by_name,changed_at,plan_status\r\n";
  for (const ChangeLine& c : report.changes) {
    std::vector<std::string> cells = {c.history_id,
                                      c.sobject,
                                      c.record_id,
                                      c.field,
                                      c.is_event ? "true" : "false",
                                      opt(c.old_value),
                                      opt(c.new_value),
                                      opt(c.old_name),
                                      opt(c.new_name),
                                      c.changed_by,
                                      c.changed_by_name,
                                      c.changed_at.to_iso(),
                                      c.plan_status};
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += csv_field(cells[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string render_json(const IncidentReport& r) {
  std::string out = "{\n  \"format\": \"sfrewind-report/1\",\n";
  out += fmt::format("  \"org_id\": {},\n", jq(r.org_id));
  out += fmt::format("  \"generated_at\": {},\n", r.generated_at ? jtime(*r.generated_at) : "null");
  out += fmt::format("  \"window\": {{\"from\": {}, \"to\": {}}},\n", jtime(r.window_from),
                     jtime(r.window_to));
  out += fmt::format("  \"users\": {},\n", users_json(r));
  out += fmt::format("  \"logins_window\": {{\"from\": {}, \"to\": {}}},\n", jtime(r.logins_from),
                     jtime(r.logins_to));
  out += fmt::format("  \"logins\": {},\n", logins_json(r));
  out += fmt::format("  \"records_changed\": {},\n", r.records_changed);
  out += fmt::format("  \"by_field\": {},\n", fields_json(r));
  out += fmt::format("  \"bucket_minutes\": {},\n", r.bucket_ms / 60000);
  out += fmt::format("  \"buckets\": {},\n", buckets_json(r));
  out += fmt::format("  \"plan\": {},\n", plan_json(r));
  out += fmt::format("  \"journal\": {},\n", journal_json(r));
  out += fmt::format("  \"attention\": {},\n", attention_json(r));
  out += fmt::format("  \"changes\": {}\n}}\n", changes_json(r));
  return out;
}

}  // namespace sfrewind::report
