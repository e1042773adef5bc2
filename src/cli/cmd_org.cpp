// `sfrewind org` and `sfrewind discover`.
#include <fmt/format.h>

#include <sfrewind/sync/history_sync.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/connect.hpp"
#include "cli/output.hpp"

namespace sfrewind::cli {
namespace {

struct OrgArgs {
  OrgOptions org;
};

int run_org(Context& ctx, const OrgArgs& args) {
  auto conn = connect(ctx, args.org);
  if (!conn) return report_error(ctx, conn.error());
  auto client = rest_client(*conn);
  if (!client) return report_error(ctx, client.error());
  auto token = client->token();
  if (!token) return report_error(ctx, token.error());
  // A bare access token does not say whose it is; the other logins do.
  api::Record user;
  if (!token->user_id.empty()) {
    auto found = client->get_record("User", token->user_id, {"Username", "Name"});
    if (!found) return report_error(ctx, with_context(found.error(), "user"));
    user = std::move(*found);
  }
  auto limits = client->limits();
  if (!limits) return report_error(ctx, with_context(limits.error(), "limits"));
  api::Limit daily = limits->count("DailyApiRequests") ? limits->at("DailyApiRequests") : api::Limit{};
  std::int64_t used = daily.max - daily.remaining;
  if (ctx.global.json) {
    ctx.out << fmt::format(
        "{{\"org_id\":{},\"instance_url\":{},\"user_id\":{},\"username\":{},\"login\":{},"
        "\"api_requests\":{{\"used\":{},\"max\":{}}}}}\n",
        jq(token->org_id), jq(token->instance_url), jq(token->user_id), jq(user.text("Username")),
        jq(std::string(conn->tokens->source_name())), used, daily.max);
    return kExitOk;
  }
  print_table(ctx.out, {{"org", token->org_id},
                        {"instance", token->instance_url},
                        {"user", token->user_id.empty() ? std::string("unknown (access token)")
                                                 : fmt::format("{} ({})", user.text("Username"),
                                                               token->user_id)},
                        {"login", std::string(conn->tokens->source_name())},
                        {"api requests", fmt::format("{} of {} used in 24 h", used, daily.max)}});
  return kExitOk;
}

struct DiscoverArgs {
  OrgOptions org;
  std::string objects;
};

void print_discovery(Context& ctx, const std::vector<sync::TrackedObject>& objects) {
  if (ctx.global.json) {
    std::string out = "[";
    for (const auto& o : objects) {
      out += fmt::format("{}{{\"sobject\":{},\"history_object\":{},\"fields\":[", out.size() > 1 ? "," : "",
                         jq(o.object.sobject), jq(o.object.history_object));
      for (std::size_t i = 0; i < o.fields.size(); ++i) {
        const auto& f = o.fields[i];
        out += fmt::format("{}{{\"field\":{},\"type\":{},\"restorable\":{},\"reason\":{}}}",
                           i ? "," : "", jq(f.name), jq(f.type), f.restorable ? "true" : "false",
                           jq(f.reason));
      }
      out += "]}";
    }
    ctx.out << out << "]\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"OBJECT", "HISTORY", "FIELD", "TYPE", "RESTORABLE"}};
  for (const auto& o : objects) {
    for (const auto& f : o.fields) {
      rows.push_back({o.object.sobject, o.object.history_object, f.name, f.type,
                      f.restorable ? "yes" : "no: " + f.reason});
    }
  }
  print_table(ctx.out, rows);
}

int run_discover(Context& ctx, const DiscoverArgs& args) {
  auto conn = connect(ctx, args.org);
  if (!conn) return report_error(ctx, conn.error());
  auto client = rest_client(*conn);
  if (!client) return report_error(ctx, client.error());
  auto objects = sync::discover(*client, split_list(args.objects));
  if (!objects) return report_error(ctx, objects.error());
  print_discovery(ctx, *objects);
  return kExitOk;
}

}  // namespace

void register_org(Registry& registry) {
  auto org_args = std::make_shared<OrgArgs>();
  CLI::App* org = registry.add("org", "Show the org, the authenticated user and API usage",
                               [org_args](Context& ctx) { return run_org(ctx, *org_args); });
  add_org_options(*org, org_args->org);

  auto d = std::make_shared<DiscoverArgs>();
  CLI::App* discover = registry.add("discover", "List history-tracked objects and fields",
                                    [d](Context& ctx) { return run_discover(ctx, *d); });
  add_org_options(*discover, d->org);
  discover->add_option("--objects", d->objects, "Objects to look at (comma-separated)");
}

}  // namespace sfrewind::cli
