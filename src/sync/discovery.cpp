// Discovery: which objects and fields have Field History Tracking, and which can be restored.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/sync/history_sync.hpp>

namespace sfrewind::sync {
namespace {

bool has_history_object(const std::vector<api::GlobalSObject>& all, const std::string& name) {
  std::string wanted = api::history_object_for(name).history_object;
  return std::any_of(all.begin(), all.end(),
                     [&](const api::GlobalSObject& o) { return o.name == wanted; });
}

// Objects to look at: the ones asked for (validated), or every queryable one with history.
Result<std::vector<std::string>> candidate_objects(api::RestClient& client,
                                                   const std::vector<std::string>& objects) {
  auto global = client.describe_global();
  if (!global) return with_context(global.error(), "describe global");
  std::vector<std::string> out;
  for (const std::string& name : objects) {
    if (auto s = api::validate_identifier(name); !s) return s.error();
    bool known = std::any_of(global->begin(), global->end(),
                             [&](const api::GlobalSObject& o) { return o.name == name; });
    if (!known) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("unknown object '{}'", name));
    }
    out.push_back(name);
  }
  if (!objects.empty()) return out;
  for (const api::GlobalSObject& o : *global) {
    if (o.queryable && o.name.find("History") == std::string::npos &&
        has_history_object(*global, o.name)) {
      out.push_back(o.name);
    }
  }
  return out;
}

// object -> tracked field names, from FieldDefinition.
Result<std::map<std::string, std::set<std::string>>> tracked_fields(
    api::RestClient& client, const std::vector<std::string>& objects) {
  std::map<std::string, std::set<std::string>> out;
  for (std::size_t i = 0; i < objects.size(); i += 50) {
    std::string in;
    for (std::size_t j = i; j < std::min(objects.size(), i + 50); ++j) {
      in += (in.empty() ? "" : ", ") + api::quote_soql(objects[j]);
    }
    std::string soql = fmt::format(
        "SELECT QualifiedApiName, EntityDefinition.QualifiedApiName FROM FieldDefinition "
        "WHERE EntityDefinition.QualifiedApiName IN ({}) AND IsFieldHistoryTracked = true",
        in);
    auto pager = client.query(soql);
    while (pager.has_next()) {
      auto page = pager.next_records();
      if (!page) return with_context(page.error(), "FieldDefinition");
      for (const api::Record& r : page->records) {
        out[r.text("EntityDefinition.QualifiedApiName")].insert(r.text("QualifiedApiName"));
      }
    }
  }
  return out;
}

TrackedField describe_field(const api::FieldDescribe& f) {
  TrackedField t;
  t.name = f.name;
  t.type = f.type;
  t.length = f.length;
  t.updateable = f.updateable && !f.calculated;
  t.reason = unrestorable_reason(f);
  t.restorable = t.reason.empty();
  return t;
}

}  // namespace

std::string unrestorable_reason(const api::FieldDescribe& f) {
  if (f.encrypted || f.type == "encryptedstring") return "encrypted";
  if (f.type == "multipicklist") return "multi-select picklist";
  if (f.type == "textarea" && (f.length > 255 || f.html_formatted)) return "long text";
  if (f.html_formatted) return "rich text";
  if ((f.type == "string" || f.type == "textarea") && f.length > 255) return "text over 255 characters";
  if (f.calculated) return "calculated";
  if (!f.updateable) return "not updateable";
  return "";
}

Result<std::vector<TrackedObject>> discover(api::RestClient& client,
                                            const std::vector<std::string>& objects) {
  auto candidates = candidate_objects(client, objects);
  if (!candidates) return candidates.error();
  auto tracked = tracked_fields(client, *candidates);
  if (!tracked) return tracked.error();
  std::vector<std::string> sobjects;
  for (const auto& entry : *tracked) sobjects.push_back(entry.first);
  auto describes = client.describe(sobjects);
  if (!describes) return describes.error();
  std::vector<TrackedObject> out;
  std::size_t i = 0;
  for (const auto& [sobject, names] : *tracked) {
    const api::SObjectDescribe& describe = (*describes)[i++];
    TrackedObject t{api::history_object_for(sobject), {}};
    for (const std::string& name : names) {
      if (const api::FieldDescribe* f = describe.field(name)) {
        t.fields.push_back(describe_field(*f));
      } else {
        t.fields.push_back(TrackedField{name, "", 0, false, false, "not in describe"});
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace sfrewind::sync
