// JsonParser::history_page: decodes a history query page straight into HistoryRows (no
// intermediate Record), since sync decodes millions of them.
#include <fmt/format.h>

#include "api/json_internal.hpp"

namespace sfrewind::api {
namespace {

// A history value as the store keeps it, into `target` (its buffer reused): text as sent,
// nullopt for null. Objects and arrays (never sent for history values) read as null.
Status read_value(od::value& v, std::optional<std::string>& target) {
  od::json_type type;
  if (auto e = v.type().get(type)) return json::parse_error(e, "history value");
  if (type == od::json_type::object || type == od::json_type::array) {
    target.reset();
    return ok();
  }
  auto s = json::read_scalar_view(v);
  if (!s) return s.error();
  if (s->kind == JsonScalar::Kind::kNull) {
    target.reset();
    return ok();
  }
  if (!target) target.emplace();
  target->assign(s->text);
  return ok();
}

// A scalar's text (null: "") into `target`.
Status read_text(od::value& v, std::string& target) {
  auto s = json::read_scalar_view(v);
  if (!s) return s.error();
  target.assign(s->text);
  return ok();
}

// An id in its 18-character form, or "" when the value is not a record id: ids end up in URLs
// of rollback requests, so nothing else may pass.
Status read_id(od::value& v, std::string& target) {
  auto s = json::read_scalar_view(v);
  if (!s) return s.error();
  if (!RecordId::normalize(s->text, target)) target.clear();
  return ok();
}

struct RowState {
  bool has_date = false;
  bool bad_date = false;
  bool has_old = false;
  bool has_new = false;
};

Status read_field(std::string_view key, od::value& v, const HistoryObject& object,
                  HistoryRow& row, RowState& st) {
  if (key == "Id") return read_id(v, row.history_id);
  if (key == object.parent_column) return read_id(v, row.record_id);
  if (key == "Field") return read_text(v, row.field);
  if (key == "DataType") return read_text(v, row.data_type);
  if (key == "OldValue") {
    st.has_old = true;
    return read_value(v, row.old_value);
  }
  if (key == "NewValue") {
    st.has_new = true;
    return read_value(v, row.new_value);
  }
  if (key == "CreatedById") return read_id(v, row.changed_by);
  if (key == "IsDeleted") {
    auto s = json::read_scalar_view(v);
    if (!s) return s.error();
    row.is_deleted = s->text == "true";
    return ok();
  }
  if (key == "CreatedDate") {
    auto s = json::read_scalar_view(v);
    if (!s) return s.error();
    auto when = Timestamp::parse(s->text);
    st.has_date = true;
    st.bad_date = !when;
    if (when) row.changed_at = *when;
  }
  return ok();  // attributes and anything else are skipped
}

// Clears a row taken from a spent page, keeping its buffers: nothing of the old row may remain.
void start_row(HistoryRow& row, std::string_view org_id, const std::string& sobject) {
  row.org_id.assign(org_id);
  row.sobject.assign(sobject);
  row.history_id.clear();
  row.record_id.clear();
  row.field.clear();
  row.data_type.clear();
  row.changed_by.clear();
  row.changed_at = Timestamp();
  row.is_deleted = false;
}

void finish_row(HistoryRow& row, const RowState& st) {
  if (!st.has_old) row.old_value.reset();
  if (!st.has_new) row.new_value.reset();
}

Status check_row(const HistoryRow& row, const HistoryObject& object, const RowState& st) {
  if (row.history_id.empty()) return make_error(ErrorCode::kParse, "history row has no valid Id");
  if (row.record_id.empty()) {
    return make_error(ErrorCode::kParse, "history row has no valid " + object.parent_column);
  }
  if (!st.has_date || st.bad_date) {
    return make_error(ErrorCode::kParse, "history row has a bad CreatedDate");
  }
  return ok();
}

}  // namespace

Result<HistoryPage> JsonParser::history_page(std::string_view body, const HistoryObject& object,
                                             std::string_view org_id,
                                             std::vector<HistoryRow> reuse) {
  od::document doc;
  if (auto s = impl_->load(body, doc); !s) return s.error();
  HistoryPage out;
  out.rows = std::move(reuse);  // its rows are written over, their strings' buffers kept
  std::size_t n = 0;
  auto s = json::read_query_page(doc, out.info, [&](od::object& o) -> Status {
    if (n == out.rows.size()) out.rows.emplace_back();
    HistoryRow& row = out.rows[n];
    start_row(row, org_id, object.sobject);
    RowState st;
    Status read = json::for_each_field(o, "record", [&](std::string_view key, od::value& v) {
      return read_field(key, v, object, row, st);
    });
    finish_row(row, st);
    if (read) read = check_row(row, object, st);
    if (!read) {
      return with_context(read.error(), fmt::format("{} row {}", object.history_object, n));
    }
    ++n;
    return ok();
  });
  out.rows.resize(n);
  if (!s) return s.error();
  return out;
}

}  // namespace sfrewind::api
