// render_markdown: the report as Markdown tables with a text bar chart.
#include <algorithm>

#include <fmt/format.h>

#include "report/internal.hpp"

namespace sfrewind::report {
namespace {

// A table cell: pipes and backslashes escaped, line breaks flattened, and HTML's specials made
// entities so a value cannot inject markup into a rendered page.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void table(std::string& out, const std::vector<std::string>& header,
           const std::vector<std::vector<std::string>>& rows) {
  out += "|";
  for (const std::string& h : header) {
    out += ' ';
    out += h;
    out += " |";
  }
  out += "\n|";
  for (std::size_t i = 0; i < header.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : rows) {
    out += "|";
    for (const std::string& c : row) {
      out += ' ';
      out += cell(c);
      out += " |";
    }
    out += "\n";
  }
  out += "\n";
}

std::string user_list(const IncidentReport& r) {
  std::string out;
  for (const ReportUser& u : r.users) {
    out += (out.empty() ? "" : ", ") + (u.username.empty() ? u.user_id : u.username);
  }
  return out;
}

void summary(std::string& out, const IncidentReport& r) {
  out += fmt::format("# Incident report: {}\n\n", cell(user_list(r)));
  out += fmt::format("- Org: {}\n", cell(r.org_id.empty() ? "unknown" : r.org_id));
  if (r.generated_at) out += fmt::format("- Generated: {}\n", human_time(*r.generated_at));
  out += fmt::format("- Window: {} to {}\n", human_time(r.window_from), human_time(r.window_to));
  out += fmt::format("- Changes: {} changes of {} records in {} fields\n", r.changes.size(),
                     r.records_changed, r.by_field.size());
  if (std::string times = key_times(r); !times.empty()) {
    out += fmt::format("- Key times: {}\n", cell(times));
  }
  if (r.plan) {
    std::string counts;
    for (const NameCount& c : r.plan->by_status) {
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", c.count, c.name);
    }
    out += fmt::format("- Plan: {} ({})\n", cell(r.plan->plan_id), counts);
  } else {
    out += "- Plan: none given\n";
  }
  out += fmt::format("- Needs a human: {} items\n\n", r.attention.size());
}

void scope(std::string& out, const IncidentReport& r) {
  out += "## Scope\n\n### Users\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const ReportUser& u : r.users) {
    rows.push_back(
        {u.user_id, u.username, u.name, u.profile, u.license, u.is_integration ? "yes" : "no"});
  }
  table(out, {"User id", "Username", "Name", "Profile", "Licence", "Integration"}, rows);
  out += fmt::format("### Logins from {} to {}\n\n", human_time(r.logins_from),
                     human_time(r.logins_to));
  rows.clear();
  for (const ReportLogin& l : r.logins) {
    rows.push_back({human_time(l.time), l.username, l.source_ip, l.login_type, l.application,
                    l.status, l.when});
  }
  if (rows.empty()) {
    out += "No logins stored for these users around the window.\n\n";
  } else {
    table(out, {"Time", "User", "Source IP", "Type", "Application", "Status", "Window"}, rows);
  }
}

void changed(std::string& out, const IncidentReport& r) {
  out += "## What they changed\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const FieldSummary& f : r.by_field) {
    rows.push_back({f.sobject, f.field, std::to_string(f.changes), std::to_string(f.records),
                    human_time(f.first), human_time(f.last)});
  }
  if (rows.empty()) {
    out += "No changes by these users in the window.\n\n";
  } else {
    table(out, {"Object", "Field", "Changes", "Records", "First", "Last"}, rows);
  }
  out += fmt::format("## Changes over time (per {}, UTC)\n\n", bucket_label(r.bucket_ms));
  std::size_t top = 1;
  for (const TimeBucket& b : r.buckets) top = std::max(top, b.changes);
  rows.clear();
  for (const TimeBucket& b : r.buckets) {
    rows.push_back({human_time(b.start), std::to_string(b.changes),
                    std::string((b.changes * 40 + top - 1) / top, '#')});
  }
  table(out, {"From", "Changes", "Chart"}, rows);
}

void plan(std::string& out, const IncidentReport& r) {
  out += "## Plan\n\n";
  if (!r.plan) {
    out += "No plan given.\n\n";
    return;
  }
  const PlanSection& p = *r.plan;
  out += fmt::format("Plan `{}`, {} items, mode {}, {} write and {} re-read API calls.\n\n",
                     cell(p.plan_id), p.items, cell(p.mode), p.write_calls, p.reread_calls);
  std::vector<std::vector<std::string>> rows;
  for (const NameCount& c : p.by_status) rows.push_back({c.name, std::to_string(c.count)});
  table(out, {"Status", "Items"}, rows);
  rows.clear();
  for (const ItemCount& c : p.counts) {
    rows.push_back({c.sobject, c.field, c.status, std::to_string(c.items)});
  }
  table(out, {"Object", "Field", "Status", "Items"}, rows);
}

void journal(std::string& out, const IncidentReport& r) {
  out += "## Applied and verified\n\n";
  const JournalSection& j = r.journal;
  std::string chain = !j.chain_intact ? "not checked" : *j.chain_intact ? "intact" : "BROKEN";
  out += fmt::format("Journal entries: {}; hash chain {}.\n\n", j.entries, chain);
  std::vector<std::vector<std::string>> rows;
  for (const OutcomeCount& c : j.applied) {
    rows.push_back({"apply", c.kind, c.outcome, std::to_string(c.entries)});
  }
  for (const OutcomeCount& c : j.verified) {
    rows.push_back({"verify", c.kind, c.outcome, std::to_string(c.entries)});
  }
  if (rows.empty()) {
    out += "Nothing applied or verified yet.\n\n";
    return;
  }
  table(out, {"Phase", "Kind", "Outcome", "Entries"}, rows);
  if (j.verified.empty()) out += "No verify results are recorded in the journal.\n\n";
}

void attention(std::string& out, const IncidentReport& r) {
  out += "## Needs a human\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const AttentionItem& a : r.attention) {
    rows.push_back({a.kind, a.sobject, a.record_id, a.field, a.detail});
  }
  if (rows.empty()) {
    out += "Nothing.\n\n";
  } else {
    table(out, {"Kind", "Object", "Record", "Field", "Detail"}, rows);
  }
}

}  // namespace

std::string render_markdown(const IncidentReport& report) {
  std::string out;
  summary(out, report);
  scope(out, report);
  changed(out, report);
  plan(out, report);
  journal(out, report);
  attention(out, report);
  out += "The full list of changes is in the CSV and JSON formats of this report.\n";
  return out;
}

}  // namespace sfrewind::report
