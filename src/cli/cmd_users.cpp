// `sfrewind users` and `sfrewind logins`.
#include <fmt/format.h>

#include <sfrewind/sync/history_sync.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/connect.hpp"
#include "cli/output.hpp"

namespace sfrewind::cli {
namespace {

struct UsersArgs {
  OrgOptions org;
  bool integration = false;
};

void print_users(Context& ctx, const std::vector<UserRecord>& users, bool only_integration) {
  std::vector<std::vector<std::string>> rows = {
      {"USER ID", "USERNAME", "NAME", "PROFILE", "LICENCE", "ACTIVE", "INTEGRATION"}};
  std::string json = "[";
  for (const UserRecord& u : users) {
    if (only_integration && !u.is_integration) continue;
    rows.push_back({u.user_id, u.username, u.name, u.profile, u.license, u.is_active ? "yes" : "no",
                    u.is_integration ? (u.api_only ? "yes (API only)" : "yes") : ""});
    json += fmt::format(
        "{}{{\"user_id\":{},\"username\":{},\"name\":{},\"profile\":{},\"license\":{},"
        "\"is_active\":{},\"api_only\":{},\"is_integration\":{}}}",
        json.size() > 1 ? "," : "", jq(u.user_id), jq(u.username), jq(u.name), jq(u.profile),
        jq(u.license), u.is_active, u.api_only, u.is_integration);
  }
  if (ctx.global.json) {
    ctx.out << json << "]\n";
  } else {
    print_table(ctx.out, rows);
  }
}

int run_users(Context& ctx, const UsersArgs& args) {
  auto conn = connect(ctx, args.org);
  if (!conn) return report_error(ctx, conn.error());
  auto client = rest_client(*conn);
  if (!client) return report_error(ctx, client.error());
  auto token = client->token();
  if (!token) return report_error(ctx, token.error());
  auto store = open_store(ctx, true);
  if (!store) return report_error(ctx, store.error());
  auto users = sync::sync_users(*client, *store, token->org_id);
  if (!users) return report_error(ctx, users.error());
  print_users(ctx, *users, args.integration);
  return kExitOk;
}

struct LoginsArgs {
  OrgOptions org;
  std::string user;
  std::string since;
};

void print_logins(Context& ctx, const std::vector<LoginRecord>& logins) {
  std::vector<std::vector<std::string>> rows = {
      {"TIME", "SOURCE IP", "LOGIN TYPE", "APPLICATION", "STATUS"}};
  std::string json = "[";
  for (const LoginRecord& l : logins) {
    rows.push_back({l.login_time.to_iso(), l.source_ip, l.login_type, l.application, l.status});
    json += fmt::format(
        "{}{{\"login_id\":{},\"user_id\":{},\"login_time\":{},\"source_ip\":{},"
        "\"login_type\":{},\"application\":{},\"status\":{}}}",
        json.size() > 1 ? "," : "", jq(l.login_id), jq(l.user_id), jq(l.login_time.to_iso()),
        jq(l.source_ip), jq(l.login_type), jq(l.application), jq(l.status));
  }
  if (ctx.global.json) {
    ctx.out << json << "]\n";
  } else {
    print_table(ctx.out, rows);
  }
}

int run_logins(Context& ctx, const LoginsArgs& args) {
  std::optional<Timestamp> since;
  if (!args.since.empty()) {
    auto t = parse_time_option("--since", args.since);
    if (!t) return report_error(ctx, t.error());
    since = *t;
  }
  auto conn = connect(ctx, args.org);
  if (!conn) return report_error(ctx, conn.error());
  auto client = rest_client(*conn);
  if (!client) return report_error(ctx, client.error());
  auto user_id = resolve_user_online(*client, args.user);
  if (!user_id) return report_error(ctx, user_id.error());
  auto token = client->token();
  if (!token) return report_error(ctx, token.error());
  auto store = open_store(ctx, true);
  if (!store) return report_error(ctx, store.error());
  auto logins = sync::sync_logins(*client, *store, token->org_id, *user_id, since);
  if (!logins) return report_error(ctx, logins.error());
  print_logins(ctx, *logins);
  return kExitOk;
}

}  // namespace

void register_users(Registry& registry) {
  auto u = std::make_shared<UsersArgs>();
  CLI::App* users = registry.add("users", "List users with profile and licence; integration users marked",
                                 [u](Context& ctx) { return run_users(ctx, *u); });
  add_org_options(*users, u->org);
  users->add_flag("--integration", u->integration, "Only integration users");

  auto l = std::make_shared<LoginsArgs>();
  CLI::App* logins = registry.add("logins", "Login history of a user",
                                  [l](Context& ctx) { return run_logins(ctx, *l); });
  add_org_options(*logins, l->org);
  logins->add_option("--user", l->user, "User id or username")->required();
  logins->add_option("--since", l->since, "From this time (e.g. -7d, 2026-11-01)");
}

}  // namespace sfrewind::cli
