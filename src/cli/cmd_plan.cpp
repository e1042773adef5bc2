// `sfrewind plan`: build a rollback plan from the store (describe from the org), store it and
// write the plan file.
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/rollback/planner.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/connect.hpp"
#include "cli/output.hpp"
#include "cli/plan_feed.hpp"
#include "cli/plan_file.hpp"
#include "cli/plan_source.hpp"

namespace sfrewind::cli {
namespace {

struct PlanArgs {
  OrgOptions org;
  std::vector<std::string> users;
  std::string from;
  std::string to;
  std::string objects;
  std::string fields;
  std::string out;
  std::string mode = "collections";
};

// What the command line asked for, checked before anything touches the store or the org.
struct PlanInput {
  Timestamp from;
  Timestamp to;
  std::set<std::string> objects;
  std::set<std::string> fields;  // "Field" or "Object.Field"
  rollback::BatchMode mode = rollback::BatchMode::kCollections;
};

Result<PlanInput> check_input(const PlanArgs& a) {
  PlanInput in;
  auto from = parse_time_option("--from", a.from);
  if (!from) return from.error();
  auto to = parse_time_option("--to", a.to);
  if (!to) return to.error();
  if (auto w = Window::make(*from, *to); !w) return w.error();
  in.from = *from;
  in.to = *to;
  for (const auto& u : a.users) {
    if (!RecordId::parse(u) && u.find('@') == std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("--user '{}' is neither a user id nor a username", u));
    }
  }
  for (const auto& o : split_list(a.objects)) {
    if (!api::validate_identifier(o)) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("invalid object name '{}'", o));
    }
    in.objects.insert(o);
  }
  for (const auto& f : split_list(a.fields)) {
    auto dot = f.find('.');
    bool ok = dot == std::string::npos ? static_cast<bool>(api::validate_identifier(f))
                                       : api::validate_identifier(f.substr(0, dot)) &&
                                             api::validate_identifier(f.substr(dot + 1));
    if (!ok) return make_error(ErrorCode::kInvalidArgument, fmt::format("invalid field '{}'", f));
    in.fields.insert(f);
  }
  auto mode = rollback::parse_batch_mode(a.mode);
  if (!mode) return with_context(mode.error(), "--mode");
  in.mode = *mode;
  return in;
}

bool selected(const PlanInput& in, const UserChange& c) {
  if (!in.objects.empty() && !in.objects.count(c.sobject)) return false;
  if (in.fields.empty() || is_history_event(c.field)) return true;
  return in.fields.count(c.field) || in.fields.count(c.sobject + "." + c.field);
}

Result<std::vector<std::string>> resolve_users(Store& store, const std::string& org_id,
                                               const std::vector<std::string>& keys) {
  std::vector<std::string> ids;
  for (const auto& k : keys) {
    auto u = store.find_user(org_id, k);
    if (!u) return u.error();
    if (*u) {
      ids.push_back((*u)->user_id);
    } else if (auto id = RecordId::parse(k)) {
      ids.push_back(id->str());  // an id with no user row: history may still name it
    } else {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("no user '{}' in the store (run sync first)", k));
    }
  }
  return ids;
}

Status describe_fields(api::RestClient& client, const std::set<std::string>& names,
                       rollback::PlanRequest& req) {
  std::vector<std::string> sobjects(names.begin(), names.end());
  auto describes = client.describe(sobjects);
  if (!describes) return describes.error();
  for (std::size_t i = 0; i < sobjects.size(); ++i) {
    const std::string& sobject = sobjects[i];
    for (const auto& f : (*describes)[i].fields) {
      rollback::FieldMeta m;
      m.type = f.type;
      m.updateable = f.updateable;
      m.calculated = f.calculated;
      m.nillable = f.nillable;
      m.length = static_cast<int>(f.length);
      m.html_formatted = f.html_formatted;
      m.encrypted = f.encrypted;
      req.fields[rollback::field_key(sobject, f.name)] = m;
    }
  }
  return ok();
}

void print_plan(Context& ctx, const rollback::Plan& plan, const std::string& out) {
  std::map<std::string, std::size_t> by_status;
  for (const auto& it : plan.items) by_status[std::string(rollback::item_status_name(it.status))]++;
  if (ctx.global.json) {
    std::string counts;
    for (const auto& c : rollback::count_items(plan)) {
      counts += fmt::format("{}{{\"sobject\":{},\"field\":{},\"status\":\"{}\",\"items\":{}}}",
                            counts.empty() ? "" : ",", jq(c.sobject), jq(c.field),
                            rollback::item_status_name(c.status), c.items);
    }
    std::string status;
    for (const auto& [s, n] : by_status) status += fmt::format("{}\"{}\":{}", status.empty() ? "" : ",", s, n);
    ctx.out << fmt::format(
        "{{\"plan_id\":{},\"hash\":{},\"items\":{},\"by_status\":{{{}}},\"counts\":[{}],"
        "\"created\":{},\"deleted\":{},\"batches\":{},\"api_calls_estimate\":{},\"file\":{}}}\n",
        jq(plan.plan_id), jq(plan.hash), plan.items.size(), status, counts, plan.created.size(),
        plan.deleted.size(), plan.batches.size(), plan.estimate.total(), jq(out));
    return;
  }
  if (ctx.global.quiet) return;
  ctx.out << fmt::format("plan {}: {} items", plan.plan_id, plan.items.size());
  for (const auto& [s, n] : by_status) ctx.out << fmt::format(", {} {}", n, s);
  ctx.out << "\n";
  std::vector<std::vector<std::string>> rows{{"OBJECT", "FIELD", "STATUS", "ITEMS"}};
  for (const auto& c : rollback::count_items(plan)) {
    rows.push_back({c.sobject, c.field, std::string(rollback::item_status_name(c.status)),
                    std::to_string(c.items)});
  }
  print_table(ctx.out, rows);
  ctx.out << fmt::format("records created in the window: {}, deleted: {} (not touched by apply)\n",
                         plan.created.size(), plan.deleted.size());
  ctx.out << fmt::format("{} write batches; estimated API calls: {} ({} writes + {} re-reads)\n",
                         plan.batches.size(), plan.estimate.total(), plan.estimate.write_calls,
                         plan.estimate.reread_calls);
  if (!out.empty()) ctx.out << "plan file: " << out << "\n";
  ctx.out << "apply with: sfrewind apply " << plan.plan_id << "\n";
}

// The plan, with the plan file's text in `text`.
Result<rollback::Plan> make_plan(Context& ctx, const PlanArgs& a, const PlanInput& in, Store& store,
                                 std::string& org_id, std::string& text) {
  auto conn = connect(ctx, a.org);
  if (!conn) return conn.error();
  auto client = rest_client(*conn);
  if (!client) return client.error();
  auto token = client->token();
  if (!token) return token.error();
  org_id = token->org_id;
  auto users = resolve_users(store, org_id, a.users);
  if (!users) return users.error();
  auto touched = touched_pairs(store, org_id, *users, in.from, in.to,
                               [&in](const UserChange& c) { return selected(in, c); });
  if (!touched) return touched.error();
  rollback::PlanRequest req;
  req.users = *users;
  req.from = in.from;
  req.to = in.to;
  req.api_version = conn->rest.api_version;
  req.mode = in.mode;
  if (auto s = describe_fields(*client, touched->sobjects, req); !s) return s.error();
  auto snapshots = rescue_snapshots(store, org_id, *touched);
  if (!snapshots) return snapshots.error();
  req.snapshots = std::move(*snapshots);
  auto builder = rollback::PlanBuilder::start(req);
  if (!builder) return builder.error();
  builder->reserve(touched->pairs.size());
  if (auto s = feed_rows(store, org_id, *touched, *builder); !s) return s.error();
  rollback::Plan plan = builder->finish(text);
  leave_to_exit(ctx, std::move(*builder));
  leave_to_exit(ctx, std::move(*touched));
  leave_to_exit(ctx, std::move(req));
  return plan;
}

int run_plan(Context& ctx, const PlanArgs& a) {
  auto in = check_input(a);
  if (!in) return report_error(ctx, in.error());
  auto store = open_store(ctx, false);
  if (!store) return report_error(ctx, store.error());
  std::optional<PlanFile> file;
  if (!a.out.empty()) {
    auto made = PlanFile::create(a.out);
    if (!made) return report_error(ctx, made.error());
    file.emplace(std::move(*made));
  }
  if (auto s = store->map_for_reads(); !s) return report_error(ctx, s.error());
  if (ctx.bulk_heap) ctx.bulk_heap();
  std::string org_id;
  std::string text;
  auto plan = make_plan(ctx, a, *in, *store, org_id, text);
  if (!plan) return report_error(ctx, plan.error());
  if (plan->hash.empty()) {
    return report_error(ctx, make_error(ErrorCode::kInternal,
                                        "cannot compute the plan's SHA-256 (libcrypto.so.3)"));
  }
  StoredPlan stored = stored_plan(*plan, org_id, std::move(text));
  if (file) file->start(stored.plan_json);  // written while the store commits
  Status saved = store->save_plan(stored, stored_items(*plan));
  Status written = file ? file->finish(saved.has_value()) : ok();
  if (!saved) return report_error(ctx, saved.error());
  if (!written) return report_error(ctx, written.error());
  print_plan(ctx, *plan, a.out);
  leave_to_exit(ctx, std::move(*plan));
  return kExitOk;
}

}  // namespace

void register_plan(Registry& registry) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* cmd = registry.add("plan", "Build and store a rollback plan for users and a window",
                               [a](Context& ctx) { return run_plan(ctx, *a); });
  add_org_options(*cmd, a->org);
  cmd->add_option("--user", a->users, "User id or username (repeatable)")->required();
  cmd->add_option("--from", a->from, "Window start (inclusive)")->required();
  cmd->add_option("--to", a->to, "Window end (exclusive)")->required();
  cmd->add_option("--objects", a->objects, "Only these objects (comma-separated)");
  cmd->add_option("--fields", a->fields, "Only these fields, Field or Object.Field (comma-separated)");
  cmd->add_option("--out", a->out, "Write the plan file here (mode 0600)");
  cmd->add_option("--mode", a->mode, "Batches for collections (default) or guarded");
}

}  // namespace sfrewind::cli
