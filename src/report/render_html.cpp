// render_html: one self-contained page (inline CSS and SVG, no script, no external resource).
#include <algorithm>

#include <fmt/format.h>

#include "report/internal.hpp"

namespace sfrewind::report {
namespace {

// Changes listed in the page; the CSV and JSON formats hold them all.
constexpr std::size_t kMaxListedChanges = 2000;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;
background:#f5f6f8;margin:0}
main{max-width:1080px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid
#d8dde3;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#5a6570;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #d8dde3;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card.warn b{color:#b03a2e}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d8dde3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.s-ready{color:#1e7b34}.s-conflict,.s-failed,.s-drifted{color:#b03a2e;font-weight:600}
.s-unrestorable{color:#9a6700;font-weight:600}.inside{font-weight:600;color:#b03a2e}
svg.chart{max-width:100%;height:auto}svg .bar{fill:#c0392b}svg .grid{stroke:#e3e7eb}
svg .axis{stroke:#1d2329}svg text{font:11px system-ui,sans-serif;fill:#3b454f}
svg .label{font-size:12px}
details summary{cursor:pointer;margin:6px 0}
)";

std::string esc(std::string_view s) { return html_escape(s); }

std::string td(std::string_view s, const char* cls = "") {
  return *cls ? fmt::format("<td class=\"{}\">{}</td>", cls, esc(s))
              : fmt::format("<td>{}</td>", esc(s));
}

std::string num(std::size_t n) { return fmt::format("<td class=\"n\">{}</td>", n); }

std::string thead(std::initializer_list<const char*> names) {
  std::string out = "<table><thead><tr>";
  for (const char* n : names) out += fmt::format("<th>{}</th>", n);
  return out + "</tr></thead><tbody>\n";
}

std::string status_td(const std::string& status) {
  return td(status, status.empty() ? "" : ("s-" + status).c_str());
}

std::string card(std::string_view label, std::size_t value, bool warn = false) {
  return fmt::format("<div class=\"card{}\"><b>{}</b>{}</div>", warn && value ? " warn" : "", value,
                     esc(label));
}

std::string header(const IncidentReport& r) {
  std::string users;
  for (const ReportUser& u : r.users) {
    users += (users.empty() ? "" : ", ") + (u.username.empty() ? u.user_id : u.username);
  }
  std::string out = fmt::format(
      "<h1>Incident report: {}</h1>\n<p class=\"meta\">Org <code>{}"
      "</code> &middot; window {} to {}",
      esc(users), esc(r.org_id), human_time(r.window_from), human_time(r.window_to));
  if (r.generated_at) out += std::string(" &middot; generated ") + human_time(*r.generated_at);
  out += "</p>\n";
  if (std::string times = key_times(r); !times.empty()) {
    out += fmt::format("<p class=\"meta\">Key times: {}</p>\n", esc(times));
  }
  out += "<div class=\"cards\">";
  out += card("changes", r.changes.size()) + card("records", r.records_changed);
  if (r.plan) {
    for (const NameCount& c : r.plan->by_status) {
      out += card("plan: " + c.name, c.count, c.name == "conflict" || c.name == "unrestorable");
    }
  }
  return out + card("need a human", r.attention.size(), true) + "</div>\n";
}

std::string scope(const IncidentReport& r) {
  std::string out = std::string("<h2>Scope</h2>\n<h3>Users</h3>\n") +
                    thead({"User id", "Username", "Name", "Profile", "Licence", "Integration"});
  for (const ReportUser& u : r.users) {
    out += std::string("<tr>") + td(u.user_id, "id") + td(u.username) + td(u.name) + td(u.profile) +
           td(u.license) + td(u.is_integration ? "yes" : "no") + "</tr>\n";
  }
  out += "</tbody></table>\n";
  out += fmt::format("<h3>Logins from {} to {}</h3>\n", human_time(r.logins_from),
                     human_time(r.logins_to));
  if (r.logins.empty()) return out + "<p>No logins stored for these users around the window.</p>\n";
  out += thead({"Time", "User", "Source IP", "Type", "Application", "Status", "Window"});
  for (const ReportLogin& l : r.logins) {
    out += std::string("<tr>") + td(human_time(l.time)) + td(l.username) + td(l.source_ip, "id") +
           td(l.login_type) + td(l.application) + td(l.status) +
           td(l.when, l.when == "inside" ? "inside" : "") + "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string changed(const IncidentReport& r) {
  std::string out = "<h2>What they changed</h2>\n";
  if (r.by_field.empty()) {
    out += "<p>No changes by these users in the window.</p>\n";
  } else {
    out += thead({"Object", "Field", "Changes", "Records", "First", "Last"});
    for (const FieldSummary& f : r.by_field) {
      out += std::string("<tr>") + td(f.sobject) + td(f.field) + num(f.changes) + num(f.records) +
             td(human_time(f.first)) + td(human_time(f.last)) + "</tr>\n";
    }
    out += "</tbody></table>\n";
  }
  return out + fmt::format(
                   "<h2>Changes over time</h2>\n<figure>\n{}<figcaption>Changes per {} "
                   "(UTC) by the users in scope.</figcaption>\n</figure>\n",
                   render_svg_chart(r), bucket_label(r.bucket_ms));
}

std::string plan(const IncidentReport& r) {
  std::string out = "<h2>Plan</h2>\n";
  if (!r.plan) return out + "<p>No plan given.</p>\n";
  const PlanSection& p = *r.plan;
  out += fmt::format(
      "<p>Plan <code>{}</code>, {} items, mode {}, {} write and {} re-read API "
      "calls. Hash <code>{}</code>.</p>\n",
      esc(p.plan_id), p.items, esc(p.mode), p.write_calls, p.reread_calls, esc(p.hash));
  out += thead({"Object", "Field", "Status", "Items"});
  for (const ItemCount& c : p.counts) {
    out += std::string("<tr>") + td(c.sobject) + td(c.field) + status_td(c.status) + num(c.items) +
           "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string journal(const IncidentReport& r) {
  const JournalSection& j = r.journal;
  std::string chain = !j.chain_intact ? "not checked" : *j.chain_intact ? "intact" : "BROKEN";
  std::string out = fmt::format(
      "<h2>Applied and verified</h2>\n<p>Journal entries: {}; hash "
      "chain {}.</p>\n",
      j.entries, chain);
  if (j.applied.empty() && j.verified.empty())
    return out + "<p>Nothing applied or verified yet.</p>\n";
  out += thead({"Phase", "Kind", "Outcome", "Entries"});
  for (const auto* list : {&j.applied, &j.verified}) {
    for (const OutcomeCount& c : *list) {
      out += std::string("<tr>") + td(list == &j.applied ? "apply" : "verify") + td(c.kind) +
             status_td(c.outcome) + num(c.entries) + "</tr>\n";
    }
  }
  out += "</tbody></table>\n";
  if (j.verified.empty()) out += "<p>No verify results are recorded in the journal.</p>\n";
  return out;
}

std::string attention(const IncidentReport& r) {
  std::string out = "<h2>Needs a human</h2>\n";
  if (r.attention.empty()) return out + "<p>Nothing.</p>\n";
  out += thead({"Kind", "Object", "Record", "Field", "Detail"});
  for (const AttentionItem& a : r.attention) {
    out += std::string("<tr>") + status_td(a.kind) + td(a.sobject) + td(a.record_id, "id") +
           td(a.field) + td(a.detail) + "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string change_list(const IncidentReport& r) {
  std::size_t shown = std::min(r.changes.size(), kMaxListedChanges);
  std::string out = fmt::format(
      "<h2>All changes</h2>\n<details><summary>{} of {} changes"
      "</summary>\n",
      shown, r.changes.size());
  out += thead({"Time", "Object", "Record", "Field", "Old", "New", "By", "Plan"});
  for (std::size_t i = 0; i < shown; ++i) {
    const ChangeLine& c = r.changes[i];
    out += std::string("<tr>") + td(human_time(c.changed_at)) + td(c.sobject) +
           td(c.record_id, "id") + td(c.field) + td(value_text(c.old_value, c.old_name)) +
           td(value_text(c.new_value, c.new_name)) + td(c.changed_by_name) +
           status_td(c.plan_status) + "</tr>\n";
  }
  return out + "</tbody></table>\n</details>\n";
}

}  // namespace

std::string render_html(const IncidentReport& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += std::string("<title>sfrewind incident report</title>\n<style>") + std::string(kStyle) +
         "</style>\n</head>\n<body>\n<main>\n";
  out += header(r) + scope(r) + changed(r) + plan(r) + journal(r) + attention(r) + change_list(r);
  return out + "</main>\n</body>\n</html>\n";
}

}  // namespace sfrewind::report
