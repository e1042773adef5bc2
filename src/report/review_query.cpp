// Review queries: validate what the user typed, then read history rows and names.
#include <sfrewind/report/review_query.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/sync/snapshot.hpp>

namespace sfrewind::report {
namespace {

Error bad(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

Status check_name(const std::string& name, const char* what) {
  if (name.empty()) return ok();
  if (!api::validate_identifier(name) || name.find('.') != std::string::npos) {
    return bad(fmt::format("invalid {} name '{}'", what, name));
  }
  return ok();
}

Result<std::optional<Timestamp>> parse_time(const std::string& option, const std::string& text,
                                            Timestamp now) {
  if (text.empty()) return std::optional<Timestamp>();
  auto t = Timestamp::parse_cli(text, now);
  if (!t) return with_context(t.error(), option);
  return std::optional<Timestamp>(*t);
}

Result<UserNames> user_names(Store& store, const std::string& org_id) {
  auto users = store.users(org_id);
  if (!users) return users.error();
  UserNames names;
  for (const UserRecord& u : *users) names[u.user_id] = u.username;
  return names;
}

Result<std::vector<std::string>> resolve_users(Store& store, const std::string& org_id,
                                               const ChangesRequest& request) {
  std::vector<std::string> ids;
  for (const std::string& key : request.users) {
    auto user = store.find_user(org_id, key);
    if (!user) return user.error();
    if (!*user) {
      if (!RecordId::parse(key) && key.find('@') == std::string::npos) {
        return bad(fmt::format("user '{}' is neither a user id nor a username", key));
      }
      return bad(fmt::format("unknown user '{}': not in the store (run 'sfrewind sync')", key));
    }
    ids.push_back((*user)->user_id);
  }
  if (request.integration) {
    auto users = store.users(org_id);
    if (!users) return users.error();
    for (const UserRecord& u : *users) {
      if (u.is_integration) ids.push_back(u.user_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Status check_known(Store& store, const std::string& org_id, const std::string& sobject,
                   const std::string& field) {
  if (sobject.empty() && field.empty()) return ok();
  auto known = store.history_fields(org_id);
  if (!known) return known.error();
  bool object_known = sobject.empty() || std::any_of(known->begin(), known->end(), [&](const auto& p) {
                        return p.first == sobject;
                      });
  if (!object_known) return bad(fmt::format("unknown object '{}': no history stored for it", sobject));
  bool field_known = field.empty() || std::any_of(known->begin(), known->end(), [&](const auto& p) {
                       return p.second == field && (sobject.empty() || p.first == sobject);
                     });
  if (!field_known) {
    return bad(fmt::format("unknown field '{}': no history stored for it", sobject.empty() ? field : sobject + "." + field));
  }
  return ok();
}

}  // namespace

Result<std::string> single_org(Store& store) {
  auto orgs = store.org_ids();
  if (!orgs) return orgs.error();
  if (orgs->empty()) return bad("the store holds no org yet: run 'sfrewind sync' first");
  if (orgs->size() > 1) return bad("the store holds several orgs; use one store per org");
  return orgs->front();
}

namespace {

// Validates `request` and fills everything of a ChangesResult but its rows.
Result<ChangesResult> prepare_changes(Store& store, const ChangesRequest& request) {
  ChangesResult result;
  if (auto s = check_name(request.sobject, "object"); !s) return s.error();
  if (auto s = check_name(request.field, "field"); !s) return s.error();
  auto from = parse_time("--from", request.from, request.now);
  if (!from) return from.error();
  auto to = parse_time("--to", request.to, request.now);
  if (!to) return to.error();
  if (*from && *to && **from >= **to) return bad("--from must be before --to");
  auto org = single_org(store);
  if (!org) return org.error();
  result.org_id = *org;
  auto users = resolve_users(store, *org, request);
  if (!users) return users.error();
  if (auto s = check_known(store, *org, request.sobject, request.field); !s) return s.error();
  auto names = user_names(store, *org);
  if (!names) return names.error();
  result.names = std::move(*names);
  result.filter = timeline::ChangeFilter{*users, request.sobject, request.field, *from, *to, true};
  return result;
}

// What the store reads for `r`; no rows at all when --integration found no integration user.
std::optional<HistoryFilter> history_filter(const ChangesRequest& request, const ChangesResult& r) {
  if (request.integration && r.filter.users.empty()) return std::nullopt;
  const timeline::ChangeFilter& f = r.filter;
  return HistoryFilter{r.org_id, f.users, f.sobject, f.field, "", f.from, f.to, {}, "", {}};
}

}  // namespace

Result<ChangesResult> load_changes(Store& store, const ChangesRequest& request) {
  auto snapshot = store.read_snapshot();  // every read below sees the same store
  if (!snapshot) return snapshot.error();
  auto result = prepare_changes(store, request);
  if (!result) return result.error();
  auto filter = history_filter(request, *result);
  if (!filter) return result;
  auto rows = store.history_rows(*filter);
  if (!rows) return rows.error();
  result->rows = timeline::filter_rows(*rows, result->filter);
  return result;
}

Result<ChangeSummaryResult> load_change_summary(Store& store, const ChangesRequest& request) {
  auto snapshot = store.read_snapshot();  // every read below sees the same store
  if (!snapshot) return snapshot.error();
  auto changes = prepare_changes(store, request);
  if (!changes) return changes.error();
  ChangeSummaryResult result{changes->org_id, changes->filter, {}, std::move(changes->names)};
  auto filter = history_filter(request, *changes);
  if (!filter) return result;
  // Two streamed passes, no copy of the rows: the lookup (EntityId) rows, then every row.
  timeline::SummaryBuilder builder(result.filter);
  filter->data_type = "EntityId";
  auto lookups = store.each_history_row(*filter, [&](const HistoryRow& r) { builder.note_lookup(r); });
  if (!lookups) return lookups.error();
  filter->data_type.clear();
  auto all = store.each_history_row(*filter, [&](const HistoryRow& r) { builder.add(r); });
  if (!all) return all.error();
  result.rows = builder.finish();
  return result;
}

}  // namespace sfrewind::report
