// `sfrewind apply` and `sfrewind verify`: run a plan against the org, check the org against it.
#include <unistd.h>

#include <iostream>
#include <map>

#include <fmt/format.h>

#include <sfrewind/rollback/executor.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/connect.hpp"
#include "cli/output.hpp"
#include "cli/plan_source.hpp"

namespace sfrewind::cli {
namespace {

struct ApplyArgs {
  OrgOptions org;
  std::string plan;
  bool yes = false;
  bool dry_run = false;
  bool check_journal = false;
  std::string mode;
};

// Asks on the terminal; false when there is none or the answer is not yes.
bool confirm(Context& ctx, const rollback::Plan& plan, std::size_t ready) {
  if (!isatty(STDIN_FILENO)) {
    ctx.err << "sfrewind: apply needs --yes when stdin is not a terminal\n";
    return false;
  }
  ctx.err << fmt::format("apply plan {}: restore {} items in the org? [y/N] ", plan.plan_id, ready);
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

void print_attention(Context& ctx, const rollback::ExecuteSummary& s) {
  std::vector<std::vector<std::string>> rows{{"OBJECT", "RECORD", "FIELD", "OUTCOME", "DETAIL"}};
  for (const auto& r : s.items) {
    if (r.outcome != rollback::ItemOutcome::kDrifted && r.outcome != rollback::ItemOutcome::kFailed) continue;
    rows.push_back({r.sobject, r.record_id, r.field,
                    std::string(rollback::item_outcome_name(r.outcome)), r.detail});
  }
  if (rows.size() > 1) print_table(ctx.out, rows);
}

void print_apply(Context& ctx, const rollback::Plan& plan, const rollback::ExecuteSummary& s,
                 bool dry_run) {
  if (ctx.global.json) {
    std::string items;
    for (const auto& r : s.items) {
      items += fmt::format("{}{{\"sobject\":{},\"record_id\":{},\"field\":{},\"outcome\":\"{}\","
                           "\"detail\":{},\"earlier_run\":{}}}",
                           items.empty() ? "" : ",", jq(r.sobject), jq(r.record_id), jq(r.field),
                           rollback::item_outcome_name(r.outcome), jq(r.detail), r.from_journal);
    }
    ctx.out << fmt::format(
        "{{\"plan_id\":{},\"mode\":\"{}\",\"dry_run\":{},\"applied\":{},\"already_restored\":{},"
        "\"drifted\":{},\"failed\":{},\"pending\":{},\"from_earlier_runs\":{},"
        "\"records_written\":{},\"api_calls\":{},\"api_calls_estimate\":{},\"items\":[{}]}}\n",
        jq(plan.plan_id), rollback::batch_mode_name(s.mode), dry_run, s.applied,
        s.already_restored, s.drifted, s.failed, s.pending, s.from_journal, s.records_written,
        s.api_calls, s.estimate.total(), items);
    return;
  }
  if (ctx.global.quiet) return;
  print_attention(ctx, s);
  ctx.out << fmt::format(
      "{} plan {} ({}): {} applied, {} already restored, {} drifted, {} failed, {} pending"
      " ({} settled by earlier runs)\n",
      dry_run ? "dry run of" : "applied", plan.plan_id, rollback::batch_mode_name(s.mode),
      s.applied, s.already_restored, s.drifted, s.failed, s.pending, s.from_journal);
  ctx.out << fmt::format("records written: {}; API calls: {} (estimate {})\n", s.records_written,
                         s.api_calls, s.estimate.total());
}

// A failed run keeps every outcome journaled so far: the message says so and how to go on.
Error resume_hint(Error e, const std::string& plan_id) {
  if (e.code == ErrorCode::kInvalidArgument) return e;
  e.message += fmt::format("; every outcome before this is saved in the journal, rerun 'sfrewind "
                           "apply {} --yes' to resume",
                           plan_id);
  return e;
}

struct Session {
  Store store;
  api::RestClient client;
  LoadedPlan loaded;
  std::string org_id;
};

Result<Session> open_session(Context& ctx, const OrgOptions& org, const std::string& ref) {
  auto store = open_store(ctx, false);
  if (!store) return store.error();
  auto loaded = load_plan_ref(*store, ref);
  if (!loaded) return loaded.error();
  auto conn = connect(ctx, org);
  if (!conn) return conn.error();
  auto client = rest_client(*conn);
  if (!client) return client.error();
  auto token = client->token();
  if (!token) return token.error();
  return Session{std::move(*store), std::move(*client), std::move(*loaded), token->org_id};
}

int run_apply(Context& ctx, const ApplyArgs& a) {
  std::optional<rollback::BatchMode> mode;
  if (!a.mode.empty()) {
    auto m = rollback::parse_batch_mode(a.mode);
    if (!m) return report_error(ctx, with_context(m.error(), "--mode"));
    mode = *m;
  }
  auto session = open_session(ctx, a.org, a.plan);
  if (!session) return report_error(ctx, session.error());
  const rollback::Plan& plan = session->loaded.plan;
  if (auto s = rollback::check_runner(session->client, plan); !s) return report_error(ctx, s.error());
  std::size_t ready = 0;
  for (const auto& it : plan.items) ready += it.status == rollback::ItemStatus::kReady ? 1 : 0;
  if (!a.yes && !a.dry_run && !confirm(ctx, plan, ready)) return kExitUsage;
  if (!session->loaded.in_store) {
    auto s = session->store.save_plan(stored_plan(plan, session->org_id), stored_items(plan));
    if (!s) return report_error(ctx, s.error());
  }
  ProgressLine progress(ctx);
  rollback::ExecuteOptions options;
  options.mode = mode;
  options.dry_run = a.dry_run;
  options.progress = [&](const rollback::ExecuteProgress& p) {
    progress.update(fmt::format("apply: batch {}/{}, {} applied", p.batch, p.batches, p.applied));
  };
  auto summary = rollback::execute_plan(session->client, session->store, plan, options);
  progress.finish();
  if (!summary) return report_error(ctx, resume_hint(summary.error(), plan.plan_id));
  print_apply(ctx, plan, *summary, a.dry_run);
  return summary->needs_attention() ? kExitAttention : kExitOk;
}

void print_verify(Context& ctx, const rollback::Plan& plan, const rollback::VerifySummary& s) {
  if (ctx.global.json) {
    std::string items;
    for (const auto& v : s.items) {
      items += fmt::format("{}{{\"sobject\":{},\"record_id\":{},\"field\":{},\"plan_status\":\"{}\","
                           "\"status\":\"{}\",\"live\":{}}}",
                           items.empty() ? "" : ",", jq(v.sobject), jq(v.record_id), jq(v.field),
                           rollback::item_status_name(v.plan_status),
                           rollback::verify_status_name(v.status), jq(v.live));
    }
    ctx.out << fmt::format(
        "{{\"plan_id\":{},\"restored\":{},\"attacker\":{},\"changed\":{},\"failed\":{},"
        "\"gone\":{},\"api_calls\":{},\"items\":[{}]}}\n",
        jq(plan.plan_id), s.restored, s.attacker, s.changed, s.failed, s.gone, s.api_calls, items);
    return;
  }
  if (ctx.global.quiet) return;
  std::vector<std::vector<std::string>> rows{{"OBJECT", "RECORD", "FIELD", "STATUS", "LIVE"}};
  for (const auto& v : s.items) {
    if (v.plan_status != rollback::ItemStatus::kReady || v.status == rollback::VerifyStatus::kRestored) continue;
    rows.push_back({v.sobject, v.record_id, v.field,
                    std::string(rollback::verify_status_name(v.status)), v.live});
  }
  if (rows.size() > 1) print_table(ctx.out, rows);
  ctx.out << fmt::format(
      "verify plan {}: ready items: {} restored, {} still the attacker's, {} changed since, "
      "{} failed, {} gone; {} API calls\n",
      plan.plan_id, s.restored, s.attacker, s.changed, s.failed, s.gone, s.api_calls);
}

// `verify --check-journal`: walks the whole journal's hash chain before verifying the org.
int check_journal(Context& ctx) {
  auto store = open_store(ctx, false);
  if (!store) return report_error(ctx, store.error());
  auto broken = store->verify_journal();
  if (!broken) return report_error(ctx, broken.error());
  if (*broken != 0) {
    ctx.err << fmt::format("sfrewind: the journal's hash chain is broken at entry {}\n", *broken);
    return kExitFailed;
  }
  if (!ctx.global.quiet && !ctx.global.json) ctx.out << "journal hash chain: intact\n";
  return kExitOk;
}

int run_verify(Context& ctx, const ApplyArgs& a) {
  if (a.check_journal) {
    if (int rc = check_journal(ctx); rc != kExitOk) return rc;
  }
  auto session = open_session(ctx, a.org, a.plan);
  if (!session) return report_error(ctx, session.error());
  const rollback::Plan& plan = session->loaded.plan;
  auto summary = rollback::verify_plan(session->client, session->store, plan);
  if (!summary) return report_error(ctx, summary.error());
  print_verify(ctx, plan, *summary);
  return summary->all_restored() ? kExitOk : kExitAttention;
}

}  // namespace

void register_apply(Registry& registry) {
  auto a = std::make_shared<ApplyArgs>();
  CLI::App* cmd = registry.add("apply", "Execute a rollback plan (compare before write, journaled)",
                               [a](Context& ctx) { return run_apply(ctx, *a); });
  add_org_options(*cmd, a->org);
  cmd->add_option("plan", a->plan, "Plan id or plan file")->required();
  cmd->add_flag("--yes", a->yes, "Do not ask");
  cmd->add_flag("--dry-run", a->dry_run, "Re-read and compare, write nothing");
  cmd->add_option("--mode", a->mode, "collections or guarded (default: the plan's)");

  auto v = std::make_shared<ApplyArgs>();
  CLI::App* ver = registry.add("verify", "Re-read every plan item and compare the org with it",
                               [v](Context& ctx) { return run_verify(ctx, *v); });
  add_org_options(*ver, v->org);
  ver->add_option("plan", v->plan, "Plan id or plan file")->required();
  ver->add_flag("--check-journal", v->check_journal, "Also check the journal's hash chain");
}

}  // namespace sfrewind::cli
