// Org: history rows (created, field changes, lookup pairs, valueless long text) and the undo
// journal used by allOrNone.
#include "emu/org.hpp"

namespace sfrewind::emu {
namespace {

constexpr std::uint8_t kEntityId = 7;

std::uint8_t data_type_code(const FieldDef& f) {
  const std::string& t = f.type;
  if (t == "boolean") return 1;
  if (t == "currency") return 2;
  if (t == "double" || t == "int") return 3;
  if (t == "percent") return 4;
  if (t == "date") return 5;
  if (t == "datetime") return 6;
  if (t == "reference") return kEntityId;
  if (t == "picklist") return 8;
  if (t == "multipicklist") return 9;
  if (t == "textarea") return 10;
  if (t == "email") return 11;
  if (t == "phone") return 12;
  if (t == "url") return 13;
  return 0;
}

// Long text and multi-select picklists are tracked as "edited" with no values.
bool valueless(const FieldDef& f) {
  return f.type == "multipicklist" || (f.type == "textarea" && f.length > 255) || f.length > 255;
}

}  // namespace

void Org::begin_tx() {
  undo_ = Undo();
  undo_.on = true;
  for (const auto& t : tables) undo_.table_sizes.push_back(t.rows.size());
  for (const auto& h : histories) undo_.history_sizes.emplace_back(h.rows.size(), h.arena.size());
  undo_.log_size = write_log.size();
}

void Org::touch(int t, std::uint32_t row) {
  if (!undo_.on || row >= undo_.table_sizes[static_cast<std::size_t>(t)]) return;
  for (const auto& [key, rec] : undo_.records) {
    if (key.first == t && key.second == row) return;
  }
  undo_.records.push_back({{t, row}, tables[static_cast<std::size_t>(t)].rows[row]});
}

void Org::rollback_tx() {
  if (!undo_.on) return;
  for (auto& [key, rec] : undo_.records) tables[static_cast<std::size_t>(key.first)].rows[key.second] = std::move(rec);
  for (std::size_t t = 0; t < tables.size(); ++t) {
    auto& rows = tables[t].rows;
    for (std::size_t r = undo_.table_sizes[t]; r < rows.size(); ++r) ids_.erase(rows[r].v[0].text);
    rows.resize(undo_.table_sizes[t]);
  }
  for (std::size_t h = 0; h < histories.size(); ++h) {
    histories[h].rows.resize(undo_.history_sizes[h].first);
    histories[h].arena.resize(undo_.history_sizes[h].second);
  }
  for (const auto& [h, r] : undo_.flagged) histories[static_cast<std::size_t>(h)].rows[r].deleted = 0;
  write_log.resize(undo_.log_size);
  undo_.on = false;
}

std::string Org::display_name(const Val& ref) const {
  if (ref.is_null()) return {};
  auto where = find(ref.text);
  if (!where) return ref.text;
  const Table& t = tables[static_cast<std::size_t>(where->first)];
  int fi = t.def.field("Name");
  return fi < 0 ? ref.text : t.rows[where->second].v[static_cast<std::size_t>(fi)].text;
}

void Org::push_history(HistoryTable& h, HistRow r, std::string_view old_lit, std::string_view new_lit) {
  r.seq = next_history_seq++;  // history ids are unique across all history objects
  r.old_off = static_cast<std::uint32_t>(h.arena.size());
  r.old_len = static_cast<std::uint16_t>(old_lit == "null" ? 0 : old_lit.size());
  if (r.old_len) h.arena += old_lit;
  r.new_off = static_cast<std::uint32_t>(h.arena.size());
  r.new_len = static_cast<std::uint16_t>(new_lit == "null" ? 0 : new_lit.size());
  if (r.new_len) h.arena += new_lit;
  h.rows.push_back(r);
}

void Org::add_history(int t, std::uint32_t row, int field, const Val& old_v, const Val& new_v,
                      std::uint32_t user, std::int64_t time_ms) {
  Table& tab = tables[static_cast<std::size_t>(t)];
  HistoryTable& h = histories[static_cast<std::size_t>(tab.history)];
  HistRow r;
  r.created_ms = time_ms / 1000 * 1000;
  r.parent = row;
  r.user = user;
  r.field = field == kCreatedField ? kCreatedField : static_cast<std::uint16_t>(field);
  if (field == kCreatedField) {
    push_history(h, r, "null", "null");
    return;
  }
  const FieldDef& f = tab.def.fields[static_cast<std::size_t>(field)];
  r.data_type = data_type_code(f);
  if (f.type == "reference") {
    HistRow names = r;
    names.data_type = 0;
    auto name = [&](const Val& v) {
      return v.is_null() ? std::string("null") : Val::str(display_name(v)).json();
    };
    push_history(h, names, name(old_v), name(new_v));
    push_history(h, r, old_v.json(), new_v.json());
    return;
  }
  if (valueless(f)) {
    push_history(h, r, "null", "null");
    return;
  }
  push_history(h, r, old_v.json(), new_v.json());
}

Val Org::history_value(const HistoryTable& h, const HistRow& r, bool old_value) const {
  std::uint32_t off = old_value ? r.old_off : r.new_off;
  std::uint16_t len = old_value ? r.old_len : r.new_len;
  if (len == 0) return Val();
  return Val::raw(h.arena.substr(off, len));
}

}  // namespace sfrewind::emu
