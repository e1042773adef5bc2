// Users and login history: who the editors are, and how they logged in.
#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/sync/history_sync.hpp>

namespace sfrewind::sync {
namespace {

constexpr const char* kUserSelect =
    "SELECT Id, Username, Name, IsActive, Profile.Name, Profile.UserLicense.Name, "
    "Profile.PermissionsApiUserOnly FROM User";

bool is_true(const api::Record& r, std::string_view path) { return r.text(path) == "true"; }

UserRecord to_user(const api::Record& r, const std::string& org_id) {
  UserRecord u;
  u.org_id = org_id;
  u.user_id = r.text("Id");
  if (auto id = RecordId::parse(u.user_id)) u.user_id = id->str();
  u.username = r.text("Username");
  u.name = r.text("Name");
  u.profile = r.text("Profile.Name");
  u.license = r.text("Profile.UserLicense.Name");
  u.is_active = is_true(r, "IsActive");
  u.api_only = is_true(r, "Profile.PermissionsApiUserOnly");
  u.is_integration = u.license == "Salesforce Integration" || u.api_only;
  return u;
}

Result<std::vector<UserRecord>> query_users(api::RestClient& client, const std::string& soql,
                                            const std::string& org_id) {
  std::vector<UserRecord> out;
  auto pager = client.query(soql);
  while (pager.has_next()) {
    auto page = pager.next_records();
    if (!page) return with_context(page.error(), "User");
    for (const api::Record& r : page->records) out.push_back(to_user(r, org_id));
  }
  return out;
}

}  // namespace

Result<std::vector<UserRecord>> sync_users(api::RestClient& client, Store& store,
                                           const std::string& org_id,
                                           const std::vector<std::string>& ids) {
  std::vector<UserRecord> users;
  if (ids.empty()) {
    auto all = query_users(client, std::string(kUserSelect) + " ORDER BY Username", org_id);
    if (!all) return all.error();
    users = std::move(*all);
  }
  for (std::size_t i = 0; i < ids.size(); i += 200) {
    std::string in;
    for (std::size_t j = i; j < std::min(ids.size(), i + 200); ++j) {
      auto id = RecordId::parse(ids[j]);
      if (!id) return id.error();
      in += (in.empty() ? "" : ", ") + api::quote_soql(id->str());
    }
    auto chunk = query_users(client, fmt::format("{} WHERE Id IN ({})", kUserSelect, in), org_id);
    if (!chunk) return chunk.error();
    users.insert(users.end(), chunk->begin(), chunk->end());
  }
  if (auto s = store.upsert_users(users); !s) return s.error();
  return users;
}

Result<std::vector<LoginRecord>> sync_logins(api::RestClient& client, Store& store,
                                             const std::string& org_id, const std::string& user_id,
                                             std::optional<Timestamp> since) {
  auto id = RecordId::parse(user_id);
  if (!id) return id.error();
  std::string soql = fmt::format(
      "SELECT Id, UserId, LoginTime, SourceIp, LoginType, Application, Status FROM LoginHistory "
      "WHERE UserId = {}{} ORDER BY LoginTime",
      api::quote_soql(id->str()),
      since ? " AND LoginTime >= " + api::soql_datetime(*since) : std::string());
  std::vector<LoginRecord> out;
  auto pager = client.query(soql);
  while (pager.has_next()) {
    auto page = pager.next_records();
    if (!page) return with_context(page.error(), "LoginHistory");
    for (const api::Record& r : page->records) {
      LoginRecord l{org_id, r.text("Id"), id->str(),
                    Timestamp::parse(r.text("LoginTime")).value_or(Timestamp()),
                    r.text("SourceIp"), r.text("LoginType"), r.text("Application"),
                    r.text("Status")};
      out.push_back(std::move(l));
    }
  }
  if (auto s = store.upsert_logins(out); !s) return s.error();
  return out;
}

}  // namespace sfrewind::sync
