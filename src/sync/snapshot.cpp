// Snapshots: query the current values of the watched fields and store them, incrementally on
// SystemModstamp once an earlier snapshot covered the same fields.
#include <sfrewind/sync/snapshot.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>

namespace sfrewind::sync {
namespace {

using FieldPlan = std::map<std::string, std::set<std::string>>;  // object -> fields

Status check_names(const SnapshotOptions& options) {
  if (options.batch_size < 200 || options.batch_size > 2000) {
    return make_error(ErrorCode::kInvalidArgument, "batch size must be between 200 and 2000");
  }
  auto check = [](const std::string& name, const char* what) -> Status {
    if (!api::validate_identifier(name) || name.find('.') != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("invalid {} name '{}'", what, name));
    }
    return ok();
  };
  for (const std::string& o : options.objects) {
    if (auto s = check(o, "object"); !s) return s;
  }
  for (const FieldSelection& sel : options.extra_fields) {
    if (auto s = check(sel.sobject, "object"); !s) return s;
    for (const std::string& f : sel.fields) {
      if (auto s = check(f, "field"); !s) return s;
    }
  }
  return ok();
}

// Tracked fields of the chosen objects plus the extra fields (checked against describe).
Result<FieldPlan> plan_fields(api::RestClient& client, const SnapshotOptions& options) {
  auto tracked = discover(client, options.objects);
  if (!tracked) return tracked.error();
  FieldPlan plan;
  for (const TrackedObject& t : *tracked) {
    for (const TrackedField& f : t.fields) {
      if (!f.type.empty()) plan[t.object.sobject].insert(f.name);
    }
  }
  for (const FieldSelection& sel : options.extra_fields) {
    auto describe = client.describe(sel.sobject);
    if (!describe) {
      if (describe.error().http_status == 404) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("unknown object '{}'", sel.sobject));
      }
      return with_context(describe.error(), "describe " + sel.sobject);
    }
    for (const std::string& f : sel.fields) {
      const api::FieldDescribe* d = describe->field(f);
      if (!d) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("unknown field '{}.{}'", sel.sobject, f));
      }
      plan[sel.sobject].insert(d->name);
    }
  }
  return plan;
}

std::string plan_spec(const FieldPlan& plan) {
  std::string out;
  for (const auto& [object, fields] : plan) {
    for (const std::string& f : fields) out += (out.empty() ? "" : ",") + object + "." + f;
  }
  return out;
}

FieldPlan parse_spec(const std::string& spec) {
  FieldPlan plan;
  std::size_t start = 0;
  while (start < spec.size()) {
    std::size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    std::string item = spec.substr(start, end - start);
    if (auto dot = item.find('.'); dot != std::string::npos) {
      plan[item.substr(0, dot)].insert(item.substr(dot + 1));
    }
    start = end + 1;
  }
  return plan;
}

std::string value_kind(const JsonScalar* s) {
  if (!s) return "null";
  switch (s->kind) {
    case JsonScalar::Kind::kBool: return "boolean";
    case JsonScalar::Kind::kNumber: return "number";
    case JsonScalar::Kind::kString: return "string";
    case JsonScalar::Kind::kNull: break;
  }
  return "null";
}

std::vector<SnapshotValue> page_values(const std::string& sobject, const std::set<std::string>& fields,
                                       const api::RecordPage& page) {
  std::vector<SnapshotValue> out;
  for (const api::Record& r : page.records) {
    std::string modstamp = r.text("SystemModstamp");
    if (auto t = Timestamp::parse(modstamp)) modstamp = t->to_iso();
    for (const std::string& f : fields) {
      const JsonScalar* s = r.find(f);
      std::string kind = value_kind(s);
      std::optional<std::string> value;
      if (kind != "null") value = s->text;
      out.push_back(SnapshotValue{sobject, r.text("Id"), f, value, kind, modstamp});
    }
  }
  return out;
}

// Reads one object (from `since` on when set) into snapshot `id`.
Status read_object(api::RestClient& client, Store& store, const std::string& org_id,
                   std::int64_t id, const std::string& sobject, const std::set<std::string>& fields,
                   const std::optional<std::string>& since, int batch_size, SnapshotSummary& summary) {
  std::string select = "SELECT Id, SystemModstamp";
  for (const std::string& f : fields) select += ", " + f;
  select += " FROM " + sobject;
  if (since) {
    auto t = Timestamp::parse(*since);
    if (!t) return t.error();
    select += " WHERE SystemModstamp >= " + api::soql_datetime(*t);
  }
  select += " ORDER BY Id";
  auto pager = client.query(select, false, batch_size);
  while (pager.has_next()) {
    auto page = pager.next_records();
    if (!page) return with_context(page.error(), "snapshot " + sobject);
    auto values = page_values(sobject, fields, *page);
    if (auto s = store.add_snapshot_values(id, org_id, values); !s) return s;
    summary.records += static_cast<std::int64_t>(page->records.size());
    summary.values += static_cast<std::int64_t>(values.size());
  }
  return ok();
}

}  // namespace

Status check_snapshot_options(const SnapshotOptions& options) { return check_names(options); }

Result<SnapshotSummary> take_snapshot(api::RestClient& client, Store& store,
                                      const SnapshotOptions& options) {
  if (auto s = check_names(options); !s) return s.error();
  auto token = client.token();
  if (!token) return token.error();
  if (token->org_id.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "the login does not tell the org id");
  }
  SnapshotSummary summary;
  summary.org_id = token->org_id;
  auto plan = plan_fields(client, options);
  if (!plan) return plan.error();
  auto previous = store.latest_snapshot(summary.org_id);
  if (!previous) return previous.error();
  FieldPlan before = *previous ? parse_spec((*previous)->objects) : FieldPlan();
  std::map<std::string, std::optional<std::string>> since;
  for (const auto& [object, fields] : *plan) {
    summary.objects.push_back(object);
    auto it = before.find(object);
    if (it == before.end() || it->second != fields) continue;
    auto stamp = store.last_modstamp(summary.org_id, object);
    if (!stamp) return stamp.error();
    if (*stamp && !(*stamp)->empty()) {
      since[object] = **stamp;
      summary.incremental_objects.push_back(object);
    }
  }
  if (auto s = store.upsert_org(OrgInfo{summary.org_id, token->instance_url}); !s) return s.error();
  auto id = store.begin_snapshot(summary.org_id, plan_spec(*plan), !since.empty());
  if (!id) return id.error();
  summary.snapshot_id = *id;
  summary.previous_id = *previous ? (*previous)->snapshot_id : 0;
  for (const auto& [object, fields] : *plan) {
    auto it = since.find(object);
    std::optional<std::string> from = it == since.end() ? std::nullopt : it->second;
    if (auto s = read_object(client, store, summary.org_id, *id, object, fields, from,
                             options.batch_size, summary);
        !s) {
      return s.error();
    }
  }
  return summary;
}

Result<std::vector<FieldSelection>> parse_field_list(const std::vector<std::string>& items) {
  std::vector<FieldSelection> out;
  for (const std::string& item : items) {
    auto dot = item.find('.');
    if (dot == std::string::npos || item.find('.', dot + 1) != std::string::npos ||
        !api::validate_identifier(item.substr(0, dot)) ||
        !api::validate_identifier(item.substr(dot + 1))) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("invalid field '{}': expected Object.Field", item));
    }
    std::string object = item.substr(0, dot);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const FieldSelection& s) { return s.sobject == object; });
    if (it == out.end()) it = out.insert(out.end(), FieldSelection{object, {}});
    it->fields.push_back(item.substr(dot + 1));
  }
  return out;
}

std::string history_field_name(std::string_view name) {
  if (name.size() > 2 && name.find("__") == std::string_view::npos &&
      name.substr(name.size() - 2) == "Id") {
    return std::string(name.substr(0, name.size() - 2));
  }
  return std::string(name);
}

FieldValue snapshot_field_value(const SnapshotValue& v) {
  if (!v.value) return FieldValue::null();
  if (v.value_kind == "boolean") return FieldValue::boolean(*v.value == "true");
  if (v.value_kind == "number") return FieldValue::number(*v.value);
  return FieldValue::text_value(*v.value);
}

}  // namespace sfrewind::sync
