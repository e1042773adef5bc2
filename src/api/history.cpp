// Records and history objects: field lookup, history object naming and the select list.
#include <fmt/format.h>

#include <sfrewind/api/records.hpp>

#include "api/json.hpp"

namespace sfrewind::api {

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

}  // namespace sfrewind::api
