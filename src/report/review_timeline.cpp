// Review output of `timeline`: a record's changes and events, and its values at a time.
#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include <sfrewind/report/review.hpp>

namespace sfrewind::report {
namespace {

// One line of a record's timeline: a field change or an event.
struct Entry {
  Timestamp at;
  std::string field;
  std::size_t position = 0;  // place in its field's chain (settles same-second order)
  std::string kind;          // "change" | "event"
  std::string history_id;
  FieldValue old_value;
  FieldValue new_value;
  std::optional<std::string> old_name;
  std::optional<std::string> new_name;
  std::string changed_by;
  bool ambiguous = false;
};

std::vector<Entry> entries_of(const timeline::RecordTimeline& record) {
  std::vector<Entry> out;
  for (const auto& chain : record.fields) {
    for (std::size_t i = 0; i < chain.changes.size(); ++i) {
      const auto& c = chain.changes[i];
      out.push_back(Entry{c.changed_at, c.field, i, "change", c.history_id, c.old_value,
                          c.new_value, c.old_name, c.new_name, c.changed_by, c.ambiguous});
    }
  }
  for (const auto& e : record.events) {
    out.push_back(Entry{e.changed_at, e.name, 0, "event", e.history_id,
                        FieldValue::from_stored(e.old_value, ""),
                        FieldValue::from_stored(e.new_value, ""), std::nullopt, std::nullopt,
                        e.changed_by, false});
  }
  // Events first within a second (a record is created before it is edited), then by field
  // and chain position: std::stable_sort keeps chain order for equal keys.
  std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    return std::tuple(a.at, a.kind != "event", a.field, a.position) <
           std::tuple(b.at, b.kind != "event", b.field, b.position);
  });
  return out;
}

std::string with_name(const FieldValue& v, const std::optional<std::string>& name) {
  if (!name || v.is_null()) return value_cell(v);
  return fmt::format("{} ({})", *name, v.text());
}

std::string name_json(const std::optional<std::string>& name) {
  return name ? json_quote(*name) : "null";
}

std::string user_of(const UserNames& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() || it->second.empty() ? id : it->second;
}

}  // namespace

std::string timeline_json(const timeline::RecordTimeline& record, const UserNames& names) {
  std::string out = fmt::format("{{\"record_id\":{},\"sobject\":{},\"entries\":[",
                                json_quote(record.record_id), json_quote(record.sobject));
  auto entries = entries_of(record);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    out += fmt::format(
        "{}\n{{\"at\":{},\"kind\":{},\"field\":{},\"old_value\":{},\"new_value\":{},"
        "\"old_name\":{},\"new_name\":{},\"changed_by\":{},\"changed_by_username\":{},"
        "\"history_id\":{},\"ambiguous\":{}}}",
        i ? "," : "", json_quote(e.at.to_iso()), json_quote(e.kind), json_quote(e.field),
        value_json(e.old_value), value_json(e.new_value), name_json(e.old_name),
        name_json(e.new_name), json_quote(e.changed_by),
        json_quote(names.count(e.changed_by) ? names.at(e.changed_by) : ""),
        json_quote(e.history_id), e.ambiguous ? "true" : "false");
  }
  return out + (entries.empty() ? "]}\n" : "\n]}\n");
}

Table timeline_table(const timeline::RecordTimeline& record, const UserNames& names) {
  Table t{{"AT", "FIELD", "OLD", "NEW", "BY", "NOTE"}};
  for (const Entry& e : entries_of(record)) {
    std::string note = e.kind == "event" ? "event" : (e.ambiguous ? "order ambiguous" : "");
    t.push_back({e.at.to_iso(), e.field, with_name(e.old_value, e.old_name),
                 with_name(e.new_value, e.new_name), user_of(names, e.changed_by), note});
  }
  return t;
}

std::string values_at_json(const std::string& record_id, Timestamp at,
                           std::span<const timeline::ValueAt> values) {
  std::string vals;
  std::string sources;
  for (const auto& v : values) {
    const char* sep = vals.empty() ? "" : ",";
    vals += fmt::format("{}\n{}:{}", sep, json_quote(v.field), value_json(v.value));
    sources += fmt::format("{}\n{}:{{\"source\":{},\"history_id\":{},\"name\":{},\"ambiguous\":{}}}",
                           sep, json_quote(v.field), json_quote(timeline::value_source_name(v.source)),
                           v.history_id.empty() ? "null" : json_quote(v.history_id),
                           name_json(v.name), v.ambiguous ? "true" : "false");
  }
  return fmt::format("{{\"record_id\":{},\"at\":{},\"values\":{{{}\n}},\"sources\":{{{}\n}}}}\n",
                     json_quote(record_id), json_quote(at.to_iso()), vals, sources);
}

Table values_at_table(std::span<const timeline::ValueAt> values) {
  Table t{{"FIELD", "VALUE", "SOURCE", "NOTE"}};
  for (const auto& v : values) {
    t.push_back({v.field, with_name(v.value, v.name), std::string(timeline::value_source_name(v.source)),
                 v.ambiguous ? "order ambiguous" : ""});
  }
  return t;
}

}  // namespace sfrewind::report
