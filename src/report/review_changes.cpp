// Review output of `changes`: rows and the summary as tables, JSON and CSV.
#include <sfrewind/report/review.hpp>

#include <fmt/format.h>

namespace sfrewind::report {
namespace {

std::string username(const UserNames& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() ? std::string() : it->second;
}

std::string user_cell(const UserNames& names, const std::string& id) {
  std::string name = username(names, id);
  return name.empty() ? id : name;
}

}  // namespace

std::string value_json(const FieldValue& v) {
  switch (v.kind()) {
    case FieldValue::Kind::kNull: return "null";
    case FieldValue::Kind::kBoolean:
    case FieldValue::Kind::kNumber: return v.text();
    default: return json_quote(v.text());
  }
}

std::string value_cell(const FieldValue& v) { return v.is_null() ? "(null)" : v.text(); }

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string changes_json(std::span<const HistoryRow> rows, const UserNames& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const HistoryRow& r = rows[i];
    out += fmt::format(
        "{}\n{{\"history_id\":{},\"sobject\":{},\"record_id\":{},\"field\":{},\"data_type\":{},"
        "\"old_value\":{},\"new_value\":{},\"changed_by\":{},\"changed_by_username\":{},"
        "\"changed_at\":{},\"is_deleted\":{}}}",
        i ? "," : "", json_quote(r.history_id), json_quote(r.sobject), json_quote(r.record_id),
        json_quote(r.field), json_quote(r.data_type), value_json(r.old_field_value()),
        value_json(r.new_field_value()), json_quote(r.changed_by),
        json_quote(username(names, r.changed_by)), json_quote(r.changed_at.to_iso()),
        r.is_deleted ? "true" : "false");
  }
  return out + (rows.empty() ? "]\n" : "\n]\n");
}

std::string changes_csv(std::span<const HistoryRow> rows, const UserNames& names) {
  std::string out =
      "changed_at,changed_by,changed_by_username,sobject,record_id,field,data_type,old_value,"
      "new_value,history_id,is_deleted\n";
  for (const HistoryRow& r : rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", r.changed_at.to_iso(), r.changed_by,
                       csv_field(username(names, r.changed_by)), r.sobject, r.record_id,
                       csv_field(r.field), csv_field(r.data_type),
                       csv_field(r.old_value.value_or("")), csv_field(r.new_value.value_or("")),
                       r.history_id, r.is_deleted ? 1 : 0);
  }
  return out;
}

Table changes_table(std::span<const HistoryRow> rows, const UserNames& names) {
  Table t{{"CHANGED AT", "BY", "OBJECT", "RECORD", "FIELD", "OLD", "NEW"}};
  for (const HistoryRow& r : rows) {
    t.push_back({r.changed_at.to_iso(), user_cell(names, r.changed_by), r.sobject, r.record_id,
                 r.field, value_cell(r.old_field_value()), value_cell(r.new_field_value())});
  }
  return t;
}

std::string summary_json(std::span<const timeline::SummaryRow> rows, const UserNames& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& s = rows[i];
    out += fmt::format(
        "{}\n{{\"changed_by\":{},\"changed_by_username\":{},\"sobject\":{},\"field\":{},"
        "\"changes\":{},\"rows\":{},\"records\":{},\"first\":{},\"last\":{}}}",
        i ? "," : "", json_quote(s.changed_by), json_quote(username(names, s.changed_by)),
        json_quote(s.sobject), json_quote(s.field), s.changes, s.rows, s.records,
        json_quote(s.first.to_iso()), json_quote(s.last.to_iso()));
  }
  return out + (rows.empty() ? "]\n" : "\n]\n");
}

std::string summary_csv(std::span<const timeline::SummaryRow> rows, const UserNames& names) {
  std::string out = "changed_by,changed_by_username,sobject,field,changes,rows,records,first,last\n";
  for (const auto& s : rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", s.changed_by,
                       csv_field(username(names, s.changed_by)), s.sobject, csv_field(s.field),
                       s.changes, s.rows, s.records, s.first.to_iso(), s.last.to_iso());
  }
  return out;
}

Table summary_table(std::span<const timeline::SummaryRow> rows, const UserNames& names) {
  Table t{{"USER", "OBJECT", "FIELD", "CHANGES", "RECORDS", "FIRST", "LAST"}};
  for (const auto& s : rows) {
    t.push_back({user_cell(names, s.changed_by), s.sobject, s.field, std::to_string(s.changes),
                 std::to_string(s.records), s.first.to_iso(), s.last.to_iso()});
  }
  return t;
}

}  // namespace sfrewind::report
