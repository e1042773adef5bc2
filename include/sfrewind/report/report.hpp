// IncidentReport: one incident in one document (scope, changes, chart, plan, journal, what needs a
// human), gathered from the store and rendered to Markdown, self-contained HTML, CSV or JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/history.hpp>
#include <sfrewind/rollback/plan.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::report {

// Logins this long before the window starts and after it ends are shown with the scope.
inline constexpr std::int64_t kLoginMarginMs = 24LL * 3600 * 1000;

// A user in scope, with what the store's directory knows of them (names empty when unknown).
struct ReportUser {
  std::string user_id;
  std::string username;
  std::string name;
  std::string profile;
  std::string license;
  bool is_integration = false;
};

// One login of a user in scope; `when` is "before", "inside" or "after" the window.
struct ReportLogin {
  std::string user_id;
  std::string username;
  Timestamp time;
  std::string source_ip;
  std::string login_type;
  std::string application;
  std::string status;
  std::string when;
};

// One change of a user in scope inside the window: a field change (a lookup's Text and EntityId
// rows count once, values are the ids, names the display names) or an event ("created"...).
struct ChangeLine {
  std::string history_id;
  std::string sobject;
  std::string record_id;
  std::string field;                     // field name, or the event name when is_event
  std::optional<std::string> old_value;  // nullopt for null
  std::optional<std::string> new_value;
  std::optional<std::string> old_name;
  std::optional<std::string> new_name;
  std::string changed_by;       // user id
  std::string changed_by_name;  // username when known, else the id
  Timestamp changed_at;
  bool is_event = false;
  std::string plan_status;  // status of the plan item for this (record, field); empty when none
};

// What the users changed per (object, field): counts and first and last time.
struct FieldSummary {
  std::string sobject;
  std::string field;
  std::size_t changes = 0;
  std::size_t records = 0;  // distinct records
  Timestamp first;
  Timestamp last;
};

// Changes starting in [start, start + IncidentReport::bucket_ms).
struct TimeBucket {
  Timestamp start;
  std::size_t changes = 0;
};

// Plan items of one (object, field, status).
struct ItemCount {
  std::string sobject;
  std::string field;
  std::string status;
  std::size_t items = 0;
};

// Items (or journal entries) per status or outcome.
struct NameCount {
  std::string name;
  std::size_t count = 0;
};

// The plan the report covers.
struct PlanSection {
  std::string plan_id;
  std::string hash;
  std::string mode;
  std::size_t write_calls = 0;
  std::size_t reread_calls = 0;
  std::size_t items = 0;
  std::vector<NameCount> by_status;  // in the order ready, conflict, noop, unrestorable
  std::vector<ItemCount> counts;     // sorted by (sobject, field, status)
};

// Journal entries of one kind and outcome.
struct OutcomeCount {
  std::string kind;
  std::string outcome;
  std::size_t entries = 0;
};

// What `apply` and `verify` recorded in the journal for the plan. Entries whose kind starts with
// "verify" are verification; "intent" entries are not counted; the rest are apply outcomes.
struct JournalSection {
  std::size_t entries = 0;             // every journal row of the plan, intents included
  std::vector<OutcomeCount> applied;   // sorted by (kind, outcome)
  std::vector<OutcomeCount> verified;  // sorted by (kind, outcome)
  std::optional<bool> chain_intact;    // the store's hash chain check, when it was run
};

// Something a responder must decide: `kind` is "conflict", "unrestorable", "created", "deleted",
// or a journal outcome that is not a success ("failed", "drifted"...).
struct AttentionItem {
  std::string kind;
  std::string sobject;
  std::string record_id;
  std::string field;  // empty for created and deleted records
  std::string detail;
};

// The whole report. Built by build_report; every member is plain data for the renderers.
struct IncidentReport {
  std::string org_id;
  std::optional<Timestamp> generated_at;  // shown only when set
  std::vector<ReportUser> users;
  Timestamp window_from;
  Timestamp window_to;
  Timestamp logins_from;               // window_from - kLoginMarginMs
  Timestamp logins_to;                 // window_to + kLoginMarginMs
  std::vector<ReportLogin> logins;     // oldest first
  std::vector<ChangeLine> changes;     // sorted by (changed_at, history_id)
  std::vector<FieldSummary> by_field;  // sorted by (sobject, field)
  std::size_t records_changed = 0;     // distinct records across changes
  std::int64_t bucket_ms = 0;          // 10 minutes, 1 hour, 6 hours, 1 day or 7 days
  std::vector<TimeBucket> buckets;     // contiguous, covering the window
  std::optional<PlanSection> plan;
  JournalSection journal;
  std::vector<AttentionItem> attention;
};

// Everything a report is built from. Rows, logins and journal entries outside the scope are
// ignored, so callers may pass more than needed.
struct ReportInputs {
  std::string org_id;
  std::vector<std::string> user_ids;  // 18-character ids
  Timestamp from;                     // the window, half-open
  Timestamp to;
  std::vector<UserRecord> directory;  // names for users in scope and other editors
  std::vector<HistoryRow> rows;
  std::vector<LoginRecord> logins;
  std::optional<rollback::Plan> plan;
  std::vector<JournalRow> journal;
  std::optional<bool> journal_intact;
  std::optional<Timestamp> generated_at;
};

// Builds the report from its inputs. Pure and deterministic.
IncidentReport build_report(const ReportInputs& inputs);

// What to gather from the store.
struct ReportScope {
  std::string org_id;
  std::vector<std::string> user_ids;  // 18-character ids
  Timestamp from;
  Timestamp to;
  std::optional<rollback::Plan> plan;
  std::optional<Timestamp> generated_at;
};

// Reads the inputs of a report from the store: the users' history rows in the window, the
// directory, their logins around the window, and the plan's journal with a chain check.
// Returns kStorage on SQLite failures.
Result<ReportInputs> gather_inputs(Store& store, const ReportScope& scope);

// The bucket size for a window: the smallest of 10 minutes, 1 hour, 6 hours, 1 day and 7 days
// that gives at most 72 buckets.
std::int64_t choose_bucket_ms(Timestamp from, Timestamp to);

enum class Format { kMarkdown, kHtml, kCsv, kJson };

// Parses "md", "markdown", "html", "csv" or "json"; kInvalidArgument otherwise.
Result<Format> parse_format(std::string_view name);

// Markdown with tables and a text bar chart.
std::string render_markdown(const IncidentReport& report);
// One self-contained HTML page: inline CSS and an inline SVG chart, no script, no external
// resource. Every user-supplied value is HTML-escaped.
std::string render_html(const IncidentReport& report);
// The chart of changes over time as an SVG element (also embedded by render_html).
std::string render_svg_chart(const IncidentReport& report);
// CSV (RFC 4180, CRLF line ends), one row per change in `changes` with the plan item's status
// for its (record, field): history_id, sobject, record_id, field, is_event, old_value,
// new_value, old_name, new_name, changed_by, changed_by_name, changed_at, plan_status.
std::string render_csv(const IncidentReport& report);
// Pretty JSON ("format": "sfrewind-report/1") holding the whole model, ending in a newline.
std::string render_json(const IncidentReport& report);
// Dispatches to the renderer of `format`.
std::string render(const IncidentReport& report, Format format);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace sfrewind::report
