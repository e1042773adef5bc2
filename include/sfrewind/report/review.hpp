// Review output: the changes list, its summary, a record's timeline and its values at a time,
// as tables (rows of cells), JSON and CSV. Pure formatting: no I/O, deterministic output.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include <sfrewind/history.hpp>
#include <sfrewind/timeline/timeline.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::report {

// user id -> username, for display. Ids print as themselves when missing.
using UserNames = std::map<std::string, std::string>;

// A table: the first row is the header.
using Table = std::vector<std::vector<std::string>>;

// The value as a typed JSON literal: null, true/false, a number's digits untouched, otherwise a
// JSON string (text, dates, datetimes and ids).
std::string value_json(const FieldValue& value);

// The value for a table cell: "(null)" for null, its text otherwise.
std::string value_cell(const FieldValue& value);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

// Changes: one entry per history row, in the order given. JSON is an array of objects with
// history_id, sobject, record_id, field, data_type, old_value, new_value (typed), changed_by,
// changed_by_username, changed_at, is_deleted; one object per line.
std::string changes_json(std::span<const HistoryRow> rows, const UserNames& names);
std::string changes_csv(std::span<const HistoryRow> rows, const UserNames& names);
Table changes_table(std::span<const HistoryRow> rows, const UserNames& names);

// The --summary view: per (user, object, field) counts and first/last time.
std::string summary_json(std::span<const timeline::SummaryRow> rows, const UserNames& names);
std::string summary_csv(std::span<const timeline::SummaryRow> rows, const UserNames& names);
Table summary_table(std::span<const timeline::SummaryRow> rows, const UserNames& names);

// A record's timeline: every change (in chain order per field, then merged by time) and event.
// Ambiguous same-second orders are marked. JSON: {"record_id","sobject","entries":[...]}.
std::string timeline_json(const timeline::RecordTimeline& record, const UserNames& names);
Table timeline_table(const timeline::RecordTimeline& record, const UserNames& names);

// `timeline --at`: {"record_id","at","values":{field: typed value},"sources":{field: {...}}}.
std::string values_at_json(const std::string& record_id, Timestamp at,
                           std::span<const timeline::ValueAt> values);
Table values_at_table(std::span<const timeline::ValueAt> values);

}  // namespace sfrewind::report
