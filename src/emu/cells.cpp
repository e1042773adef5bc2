// Cell access for queries: field lookup, relationships and values of record and history rows.
#include <array>

#include "emu/query.hpp"

namespace sfrewind::emu::cells {


std::string hist_field_name(const Org& org, int hist, int f) {
  static const std::array<const char*, kHistFields> kNames = {
      "Id", "", "Field", "DataType", "OldValue", "NewValue", "CreatedById", "CreatedDate", "IsDeleted"};
  if (f == kHParent) return org.histories[static_cast<std::size_t>(hist)].parent_col;
  return kNames[static_cast<std::size_t>(f)];
}

int field_index(const Org& org, Ctx ctx, std::string_view name) {
  if (ctx.table >= 0) return org.tables[static_cast<std::size_t>(ctx.table)].def.field(name);
  for (int f = 0; f < kHistFields; ++f) {
    if (to_lower(hist_field_name(org, ctx.hist, f)) == to_lower(name)) return f;
  }
  return -1;
}

std::string field_name(const Org& org, Ctx ctx, int f) {
  if (ctx.table >= 0) return org.tables[static_cast<std::size_t>(ctx.table)].def.fields[static_cast<std::size_t>(f)].name;
  return hist_field_name(org, ctx.hist, f);
}


bool relation(const Org& org, Ctx ctx, std::string_view rel, int* field, Ctx* target, std::string* name) {
  if (ctx.hist >= 0) {
    const HistoryTable& h = org.histories[static_cast<std::size_t>(ctx.hist)];
    const std::string& parent = org.tables[static_cast<std::size_t>(h.parent_table)].def.name;
    std::string prel = h.parent_col == "ParentId" ? "Parent" : parent;
    if (to_lower(rel) == to_lower(prel)) {
      *field = kHParent;
      *target = Ctx{h.parent_table, -1};
      *name = prel;
      return true;
    }
    if (to_lower(rel) == "createdby") {
      *field = kHCreatedById;
      *target = Ctx{org.user_table, -1};
      *name = "CreatedBy";
      return true;
    }
    return false;
  }
  const ObjectDef& def = org.tables[static_cast<std::size_t>(ctx.table)].def;
  int f = def.relationship(rel);
  if (f < 0) return false;
  *field = f;
  *target = Ctx{org.table(def.fields[static_cast<std::size_t>(f)].reference_to), -1};
  *name = def.fields[static_cast<std::size_t>(f)].relationship_name;
  return target->table >= 0;
}

Val get(const Org& org, Ctx ctx, std::uint32_t row, int f) {
  if (ctx.table >= 0) return org.tables[static_cast<std::size_t>(ctx.table)].rows[row].v[static_cast<std::size_t>(f)];
  const HistoryTable& h = org.histories[static_cast<std::size_t>(ctx.hist)];
  const HistRow& r = h.rows[row];
  switch (f) {
    case kHId: return Val::str(org.history_id(r.seq));
    case kHParent: return Val::str(org.record_id(h.parent_table, r.parent));
    case kHField: {
      if (r.field == kCreatedField) return Val::str("created");
      const FieldDef& fd = org.tables[static_cast<std::size_t>(h.parent_table)].def.fields[r.field];
      return Val::str(fd.type == "reference" && !fd.custom ? fd.relationship_name : fd.name);
    }
    case kHDataType: return Val::str(std::string(data_type_name(r.data_type)));
    case kHOld: return org.history_value(h, r, true);
    case kHNew: return org.history_value(h, r, false);
    case kHCreatedById: return Val::str(org.user_id(r.user));
    case kHCreatedDate: return Val::datetime(r.created_ms);
    default: return Val::boolean(r.deleted != 0);
  }
}

// Sort keys that avoid building strings for history rows (ids sort like their sequence).
Val sort_key(const Org& org, Ctx ctx, std::uint32_t row, int f) {
  if (ctx.hist >= 0) {
    const HistRow& r = org.histories[static_cast<std::size_t>(ctx.hist)].rows[row];
    auto num = [](double d) { return Val{Val::Kind::kNumber, "", d}; };
    switch (f) {
      case kHId: return num(r.seq);
      case kHParent: return num(r.parent);
      case kHCreatedById: return num(r.user);
      case kHCreatedDate: return num(static_cast<double>(r.created_ms));
      default: break;
    }
  }
  return get(org, ctx, row, f);
}

std::optional<std::uint32_t> follow(const Org& org, Ctx ctx, std::uint32_t row, int f) {
  if (ctx.hist >= 0) {
    const HistRow& r = org.histories[static_cast<std::size_t>(ctx.hist)].rows[row];
    return f == kHParent ? r.parent : r.user;
  }
  const Val& v = org.tables[static_cast<std::size_t>(ctx.table)].rows[row].v[static_cast<std::size_t>(f)];
  if (v.is_null()) return std::nullopt;
  auto where = org.find(v.text);
  if (!where) return std::nullopt;
  return where->second;
}

}  // namespace sfrewind::emu::cells
