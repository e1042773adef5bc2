// JsonParser::history_page: decodes a history query page straight into HistoryRows (no
// intermediate Record), since sync decodes millions of them.
#include <fmt/format.h>

#include "api/json_internal.hpp"

namespace sfrewind::api {
namespace {

// A history value as the store keeps it: text as sent, nullopt for null. Objects and arrays
// (never sent for history values) read as null.
Result<std::optional<std::string>> read_value(od::value& v) {
  od::json_type type;
  if (auto e = v.type().get(type)) return json::parse_error(e, "history value");
  if (type == od::json_type::object || type == od::json_type::array) {
    return std::optional<std::string>();
  }
  auto s = json::read_scalar(v);
  if (!s) return s.error();
  if (s->kind == JsonScalar::Kind::kNull) return std::optional<std::string>();
  return std::optional<std::string>(std::move(s->text));
}

// An id in its 18-character form, or "" when the value is not a record id: ids end up in URLs
// of rollback requests, so nothing else may pass.
Result<std::string> read_id(od::value& v) {
  auto text = json::read_string(v);
  if (!text) return text.error();
  auto id = RecordId::parse(*text);
  return id ? id->str() : std::string();
}

struct RowState {
  bool has_date = false;
  bool bad_date = false;
};

Status read_field(std::string_view key, od::value& v, const HistoryObject& object,
                  HistoryRow& row, RowState& st) {
  auto assign = [](auto result, auto& target) -> Status {
    if (!result) return result.error();
    target = std::move(*result);
    return ok();
  };
  if (key == "Id") return assign(read_id(v), row.history_id);
  if (key == object.parent_column) return assign(read_id(v), row.record_id);
  if (key == "Field") return assign(json::read_string(v), row.field);
  if (key == "DataType") return assign(json::read_string(v), row.data_type);
  if (key == "OldValue") return assign(read_value(v), row.old_value);
  if (key == "NewValue") return assign(read_value(v), row.new_value);
  if (key == "CreatedById") return assign(read_id(v), row.changed_by);
  if (key == "IsDeleted") {
    auto s = json::read_scalar(v);
    if (!s) return s.error();
    row.is_deleted = s->text == "true";
    return ok();
  }
  if (key == "CreatedDate") {
    auto text = json::read_string(v);
    if (!text) return text.error();
    auto when = Timestamp::parse(*text);
    st.has_date = true;
    st.bad_date = !when;
    if (when) row.changed_at = *when;
  }
  return ok();  // attributes and anything else are skipped
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
  out.rows = std::move(reuse);
  out.rows.clear();
  auto s = json::read_query_page(doc, out.info, [&](od::object& o) -> Status {
    HistoryRow row;
    row.org_id = std::string(org_id);
    row.sobject = object.sobject;
    RowState st;
    Status read = json::for_each_field(o, "record", [&](std::string_view key, od::value& v) {
      return read_field(key, v, object, row, st);
    });
    if (read) read = check_row(row, object, st);
    if (!read) {
      return with_context(read.error(), fmt::format("{} row {}", object.history_object, out.rows.size()));
    }
    out.rows.push_back(std::move(row));
    return ok();
  });
  if (!s) return s.error();
  return out;
}

}  // namespace sfrewind::api
