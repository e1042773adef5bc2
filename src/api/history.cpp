// History objects: naming, the select list and turning a decoded record into a HistoryRow.
#include <fmt/format.h>

#include <sfrewind/api/records.hpp>

#include "api/json.hpp"

namespace sfrewind::api {
namespace {

std::optional<std::string> value_text(const Record& r, std::string_view name) {
  const JsonScalar* s = r.find(name);
  if (s == nullptr || s->kind == JsonScalar::Kind::kNull) return std::nullopt;
  return s->text;
}

// An id in its 18-character form, or "" when `text` is not a record id: ids end up in URLs
// of rollback requests, so nothing else may pass.
std::string id18(const std::string& text) {
  auto id = RecordId::parse(text);
  return id ? id->str() : std::string();
}

}  // namespace

const JsonScalar* Record::find(std::string_view path) const {
  auto it = fields.find(std::string(path));
  return it == fields.end() ? nullptr : &it->second;
}

std::string Record::text(std::string_view path) const {
  const JsonScalar* s = find(path);
  return s == nullptr ? std::string() : s->text;
}

HistoryObject history_object_for(std::string_view sobject) {
  HistoryObject h;
  h.sobject = std::string(sobject);
  if (sobject.ends_with("__c")) {
    h.history_object = std::string(sobject.substr(0, sobject.size() - 3)) + "__History";
    h.parent_column = "ParentId";
  } else if (sobject == "Opportunity") {
    h.history_object = "OpportunityFieldHistory";
    h.parent_column = "OpportunityId";
  } else {
    h.history_object = std::string(sobject) + "History";
    h.parent_column = std::string(sobject) + "Id";
  }
  return h;
}

std::string history_select(const HistoryObject& object) {
  return fmt::format(
      "SELECT Id, {}, Field, DataType, OldValue, NewValue, CreatedById, CreatedDate, IsDeleted "
      "FROM {}",
      object.parent_column, object.history_object);
}

Result<HistoryRow> history_row_from(const Record& record, const HistoryObject& object,
                                    std::string_view org_id) {
  HistoryRow row;
  row.org_id = std::string(org_id);
  row.sobject = object.sobject;
  row.history_id = id18(record.text("Id"));
  if (row.history_id.empty()) return make_error(ErrorCode::kParse, "history row has no valid Id");
  row.record_id = id18(record.text(object.parent_column));
  if (row.record_id.empty()) {
    return make_error(ErrorCode::kParse, "history row has no valid " + object.parent_column);
  }
  row.field = record.text("Field");
  row.data_type = record.text("DataType");
  row.old_value = value_text(record, "OldValue");
  row.new_value = value_text(record, "NewValue");
  row.changed_by = id18(record.text("CreatedById"));
  auto when = Timestamp::parse(record.text("CreatedDate"));
  if (!when) return make_error(ErrorCode::kParse, "history row has a bad CreatedDate");
  row.changed_at = *when;
  row.is_deleted = record.text("IsDeleted") == "true";
  return row;
}

}  // namespace sfrewind::api
