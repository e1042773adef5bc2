// Org: lookups, ids, type coercion and the single write path that also writes field history.
#include "emu/org.hpp"

#include <array>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

namespace sfrewind::emu {
namespace {

constexpr std::array<std::string_view, 15> kDataTypes = {
    "Text", "Boolean", "Currency", "Double", "Percent", "DateOnly", "DateTime", "EntityId",
    "DynamicEnum", "MultiEnum", "TextArea", "Email", "Phone", "Url", "Text"};

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string make_id(std::string_view prefix, std::uint64_t seq) {
  std::string body(12, '0');
  for (std::size_t i = 0; i < 10 && seq; ++i) {
    body[11 - i] = kBase62[seq % 62];
    seq /= 62;
  }
  body[0] = '5';
  body[1] = 'g';
  std::string id15 = std::string(prefix.substr(0, 3)) + body;
  return id15 + RecordId::checksum(id15);
}

Error save_error(std::string code, std::string message) {
  Error e = make_error(ErrorCode::kApi, std::move(message));
  e.api_code = std::move(code);
  return e;
}

bool cond_holds(const ValidationRule::Cond& c, const Val& v) {
  if (c.op == "null") return v.is_null();
  if (c.op == "notnull") return !v.is_null();
  if (v.is_null() && !c.value.is_null()) return c.op == "!=";
  int cmp = compare_vals(v, c.value);
  if (c.op == "=") return cmp == 0;
  if (c.op == "!=") return cmp != 0;
  if (c.op == "<") return cmp < 0;
  if (c.op == "<=") return cmp <= 0;
  if (c.op == ">") return cmp > 0;
  if (c.op == ">=") return cmp >= 0;
  return false;
}

}  // namespace

std::string_view data_type_name(std::uint8_t code) {
  return code < kDataTypes.size() ? kDataTypes[code] : "Text";
}

int ObjectDef::field(std::string_view fname) const {
  auto it = index.find(to_lower(fname));
  return it == index.end() ? -1 : it->second;
}

int ObjectDef::relationship(std::string_view rel) const {
  std::string lower = to_lower(rel);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!fields[i].relationship_name.empty() && to_lower(fields[i].relationship_name) == lower) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void ObjectDef::add(FieldDef f) {
  if (f.label.empty()) f.label = f.name;
  int i = static_cast<int>(fields.size());
  index[to_lower(f.name)] = i;
  if (f.name == "CreatedDate") sys.created_date = i;
  if (f.name == "CreatedById") sys.created_by = i;
  if (f.name == "OwnerId") sys.owner = i;
  if (f.name == "LastModifiedDate") sys.last_modified = i;
  if (f.name == "LastModifiedById") sys.last_modified_by = i;
  if (f.name == "SystemModstamp") sys.modstamp = i;
  fields.push_back(std::move(f));
}

Org::Org() = default;

int Org::table(std::string_view name) const {
  std::string lower = to_lower(name);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (to_lower(tables[i].def.name) == lower) return static_cast<int>(i);
  }
  return -1;
}

int Org::history(std::string_view name) const {
  std::string lower = to_lower(name);
  for (std::size_t i = 0; i < histories.size(); ++i) {
    if (to_lower(histories[i].name) == lower) return static_cast<int>(i);
  }
  return -1;
}

int Org::add_object(ObjectDef def, std::string_view history_name) {
  Table t;
  bool tracked = false;
  for (const auto& f : def.fields) tracked = tracked || f.tracked;
  int index = static_cast<int>(tables.size());
  if (tracked || !history_name.empty()) {
    HistoryTable h;
    h.name = !history_name.empty() ? std::string(history_name)
             : def.custom ? def.name.substr(0, def.name.size() - 3) + "__History"
             : def.name == "Opportunity" ? "OpportunityFieldHistory"
                                         : def.name + "History";
    h.parent_col = def.custom ? "ParentId" : def.name + "Id";
    h.parent_table = index;
    t.history = static_cast<int>(histories.size());
    histories.push_back(std::move(h));
  }
  if (def.name == "User") user_table = index;
  t.def = std::move(def);
  tables.push_back(std::move(t));
  return index;
}

std::optional<std::pair<int, std::uint32_t>> Org::find(std::string_view id) const {
  auto parsed = RecordId::parse(id);
  if (!parsed) return std::nullopt;
  auto it = ids_.find(parsed->str());
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

int Org::user_row(std::string_view username) const {
  auto it = users_.find(to_lower(username));
  return it == users_.end() ? -1 : static_cast<int>(it->second);
}

std::string Org::record_id(int t, std::uint32_t row) const {
  return tables[static_cast<std::size_t>(t)].rows[row].v[0].text;
}

std::string Org::user_id(std::uint32_t row) const { return record_id(user_table, row); }

std::string Org::username(std::uint32_t row) const {
  const Table& t = tables[static_cast<std::size_t>(user_table)];
  return t.rows[row].v[static_cast<std::size_t>(t.def.field("Username"))].text;
}

std::string Org::history_id(std::uint32_t seq) const { return make_id("017", seq); }

std::string Org::new_id(int t) {
  Table& tab = tables[static_cast<std::size_t>(t)];
  return make_id(tab.def.key_prefix, tab.next_seq++);
}

Result<Val> Org::coerce(const FieldDef& f, const Json& j) const {
  auto bad = [&] {
    return save_error("INVALID_TYPE_ON_FIELD_IN_RECORD",
                      fmt::format("{}: value not of required type: {}", f.name,
                                  j.is_string() ? j.text() : j.dump()));
  };
  if (j.is_null()) return f.type == "boolean" ? Val::boolean(false) : Val::null();
  if (j.is_array() || j.is_object()) return bad();
  const std::string& t = f.type;
  if (t == "boolean") {
    if (j.type() == Json::Type::kBool) return Val::boolean(j.as_bool());
    if (j.is_string() && (j.text() == "true" || j.text() == "false")) return Val::boolean(j.text() == "true");
    return bad();
  }
  if (t == "currency" || t == "double" || t == "percent" || t == "int") {
    char* end = nullptr;
    double d = std::strtod(j.text().c_str(), &end);
    if (j.text().empty() || *end != '\0' || !std::isfinite(d)) return bad();
    return Val::number(d);
  }
  if (t == "date") {
    std::int64_t days = 0;
    if (!j.is_string() || !parse_ymd(j.text(), &days)) return bad();
    return Val::date(j.text());
  }
  if (t == "datetime") {
    auto ts = j.is_string() ? Timestamp::parse(j.text()) : Result<Timestamp>(Error{});
    if (!ts) return bad();
    return Val::datetime(ts->ms() / 1000 * 1000);
  }
  if (t == "reference" || t == "id") {
    auto where = j.is_string() ? find(j.text()) : std::nullopt;
    if (!where) {
      return save_error("INVALID_CROSS_REFERENCE_KEY",
                        fmt::format("invalid cross reference id"));
    }
    return Val::str(record_id(where->first, where->second));
  }
  std::string s = j.text();
  if (f.length > 0 && static_cast<int>(s.size()) > f.length) {
    return save_error("STRING_TOO_LONG",
                      fmt::format("{}: data value too large: {} (max length={})", f.label, s, f.length));
  }
  return Val::str(std::move(s));
}

Result<std::uint32_t> Org::save(int t, std::optional<std::uint32_t> row, const Json& fields,
                                std::uint32_t user, std::int64_t time_ms, bool log,
                                std::vector<SaveError>* errors) {
  Table& tab = tables[static_cast<std::size_t>(t)];
  auto fail = [&](std::string code, std::string msg, std::vector<std::string> names) {
    errors->push_back(SaveError{std::move(code), std::move(msg), std::move(names)});
  };
  if (row && tab.rows[*row].deleted) {
    fail("ENTITY_IS_DELETED", "entity is deleted", {});
    return make_error(ErrorCode::kApi, "entity is deleted");
  }
  std::vector<std::pair<int, Val>> changes;
  for (const auto& [name, value] : fields.members()) {
    if (name == "attributes" || name == "Id" || name == "id") continue;
    int fi = tab.def.field(name);
    if (fi < 0) {
      fail("INVALID_FIELD",
           fmt::format("No such column '{}' on sobject of type {}", name, tab.def.name), {});
      continue;
    }
    const FieldDef& f = tab.def.fields[static_cast<std::size_t>(fi)];
    bool allowed = !f.calculated && (row ? f.updateable : f.createable);
    if (!allowed || !tab.def.writable) {
      fail("INVALID_FIELD_FOR_INSERT_UPDATE",
           fmt::format("Unable to {} fields: {}. Please check the security settings of this field "
                       "and verify that it is read/write for your profile or permission set.",
                       row ? "create/update" : "create/update", f.name),
           {f.name});
      continue;
    }
    auto v = coerce(f, value);
    if (!v) {
      fail(v.error().api_code, v.error().message, {f.name});
      continue;
    }
    changes.emplace_back(fi, std::move(*v));
  }
  if (!errors->empty()) return make_error(ErrorCode::kApi, "invalid fields");
  std::vector<Val> merged = row ? tab.rows[*row].v : std::vector<Val>(tab.def.fields.size());
  for (const auto& [fi, v] : changes) merged[static_cast<std::size_t>(fi)] = v;
  for (const auto& rule : tab.def.rules) {
    bool all = !rule.conds.empty();
    for (const auto& c : rule.conds) {
      int fi = tab.def.field(c.field);
      all = all && fi >= 0 && cond_holds(c, merged[static_cast<std::size_t>(fi)]);
    }
    if (all) {
      fail("FIELD_CUSTOM_VALIDATION_EXCEPTION", rule.message,
           rule.error_field.empty() ? std::vector<std::string>{} : std::vector<std::string>{rule.error_field});
      return make_error(ErrorCode::kApi, rule.message);
    }
  }
  return apply(t, row, changes, user, time_ms, log);
}

std::uint32_t Org::apply(int t, std::optional<std::uint32_t> row,
                         const std::vector<std::pair<int, Val>>& changes, std::uint32_t user,
                         std::int64_t time_ms, bool log) {
  Table& tab = tables[static_cast<std::size_t>(t)];
  const ObjectDef& def = tab.def;
  Val when = Val::datetime(time_ms);
  int users_table = user_table;
  bool have_user = users_table >= 0 && user < tables[static_cast<std::size_t>(users_table)].rows.size();
  std::string uid = have_user ? user_id(user) : std::string();
  auto set_sys = [&](Record& r, int fi, const Val& v) {
    if (fi >= 0) r.v[static_cast<std::size_t>(fi)] = v;
  };
  bool created = !row;
  if (created) {
    Record r;
    r.v.resize(def.fields.size());
    for (std::size_t i = 0; i < def.fields.size(); ++i) {
      if (def.fields[i].type == "boolean") r.v[i] = Val::boolean(false);
    }
    r.v[0] = Val::str(new_id(t));
    set_sys(r, def.sys.created_date, when);
    set_sys(r, def.sys.created_by, Val::str(uid.empty() ? r.v[0].text : uid));
    set_sys(r, def.sys.owner, Val::str(uid.empty() ? r.v[0].text : uid));
    row = static_cast<std::uint32_t>(tab.rows.size());
    ids_[r.v[0].text] = {t, *row};
    std::array<char, 18>& id = tab.ids.emplace_back();
    r.v[0].text.copy(id.data(), id.size());  // ids are 18 characters (new_id)
    tab.rows.push_back(std::move(r));
    if (tab.history >= 0) add_history(t, *row, kCreatedField, Val(), Val(), user, time_ms);
  }
  touch(t, *row);
  Record& rec = tab.rows[*row];
  for (const auto& [fi, v] : changes) {
    Val& cur = rec.v[static_cast<std::size_t>(fi)];
    const FieldDef& f = def.fields[static_cast<std::size_t>(fi)];
    if (log) {
      write_log.push_back(
          WriteLogEntry{time_ms, have_user ? username(user) : "", def.name, rec.v[0].text, f.name, v.json()});
    }
    bool same = cur.kind == v.kind && cur.text == v.text;
    if (same) continue;
    Val old = cur;
    cur = v;
    if (f.tracked && !created && tab.history >= 0) add_history(t, *row, fi, old, v, user, time_ms);
  }
  if (t == user_table) {
    users_[to_lower(rec.v[static_cast<std::size_t>(def.field("Username"))].text)] = *row;
  }
  set_sys(rec, def.sys.last_modified, when);
  set_sys(rec, def.sys.modstamp, when);
  if (!uid.empty() || created) set_sys(rec, def.sys.last_modified_by, Val::str(uid.empty() ? rec.v[0].text : uid));
  return *row;
}

void Org::remove(int t, std::uint32_t row, std::uint32_t user, std::int64_t time_ms) {
  Table& tab = tables[static_cast<std::size_t>(t)];
  touch(t, row);
  Record& rec = tab.rows[row];
  rec.deleted = true;
  int fi = tab.def.field("IsDeleted");
  if (fi >= 0) rec.v[static_cast<std::size_t>(fi)] = Val::boolean(true);
  Val when = Val::datetime(time_ms);
  if (tab.def.field("LastModifiedDate") >= 0) {
    rec.v[static_cast<std::size_t>(tab.def.field("LastModifiedDate"))] = when;
    rec.v[static_cast<std::size_t>(tab.def.field("SystemModstamp"))] = when;
    rec.v[static_cast<std::size_t>(tab.def.field("LastModifiedById"))] = Val::str(user_id(user));
  }
  if (tab.history < 0) return;
  for (auto& h : histories[static_cast<std::size_t>(tab.history)].rows) {
    if (h.parent != row || h.deleted) continue;
    h.deleted = 1;
    if (undo_.on) undo_.flagged.emplace_back(tab.history, static_cast<std::uint32_t>(&h - histories[static_cast<std::size_t>(tab.history)].rows.data()));
  }
}

}  // namespace sfrewind::emu
