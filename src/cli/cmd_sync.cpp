// `sfrewind sync`: pull history of the watched fields into the store.
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/report/alert_check.hpp>
#include <sfrewind/sync/history_sync.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/connect.hpp"
#include "cli/output.hpp"
#include "cli/run_guard.hpp"

namespace sfrewind::cli {
namespace {

// An int option the user did not give (0 and -1 are values a user may type).
constexpr int kUnset = std::numeric_limits<int>::min();

struct SyncArgs {
  OrgOptions org;
  std::string objects;
  std::string fields;
  std::string since;
  int jobs = kUnset;
  int batch_size = kUnset;
  int api_budget = kUnset;
  std::vector<std::string> alerts;
  std::string lock;
};

std::string from_config(const Context& ctx, const std::string& given, const char* key) {
  if (!given.empty()) return given;
  auto it = ctx.config.find(key);
  return it == ctx.config.end() ? std::string() : it->second;
}

Result<int> int_setting(const Context& ctx, int given, const char* key, int fallback, int lo, int hi) {
  int value = given;
  if (value == kUnset) {
    auto it = ctx.config.find(key);
    if (it == ctx.config.end()) return fallback;
    const std::string& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("config {} is not a number", key));
    }
  }
  if (value < lo || value > hi) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} must be between {} and {}", key, lo, hi));
  }
  return value;
}

Result<std::vector<sync::FieldSelection>> selection(const std::string& objects,
                                                    const std::string& fields) {
  std::vector<sync::FieldSelection> out;
  auto entry = [&](const std::string& sobject) -> sync::FieldSelection& {
    for (auto& s : out) {
      if (s.sobject == sobject) return s;
    }
    out.push_back({sobject, {}});
    return out.back();
  };
  for (const std::string& o : split_list(objects)) {
    if (auto s = api::validate_identifier(o); !s || o.find('.') != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("invalid object name '{}'", printable(o)));
    }
    entry(o);
  }
  for (const std::string& f : split_list(fields)) {
    auto dot = f.find('.');
    if (dot == std::string::npos || f.find('.', dot + 1) != std::string::npos ||
        !api::validate_identifier(f.substr(0, dot)) || !api::validate_identifier(f.substr(dot + 1))) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("invalid field '{}': expected Object.Field", printable(f)));
    }
    entry(f.substr(0, dot)).fields.push_back(f.substr(dot + 1));
  }
  return out;
}

void print_summary(Context& ctx, const sync::SyncSummary& s) {
  if (ctx.global.json) {
    std::string objects;
    for (const auto& o : s.objects) {
      objects += fmt::format("{}{{\"history_object\":{},\"new\":{},\"seen\":{}}}",
                             objects.empty() ? "" : ",", jq(o.history_object), o.new_rows, o.seen_rows);
    }
    ctx.out << fmt::format(
        "{{\"org_id\":{},\"new\":{},\"seen\":{},\"objects\":[{}],\"users\":{},\"api_calls\":{}}}\n",
        jq(s.org_id), s.new_rows(), s.seen_rows(), objects, s.users_synced, s.api_calls);
    return;
  }
  if (ctx.global.quiet) return;
  std::string per_object;
  for (const auto& o : s.objects) {
    per_object += fmt::format("{}{} +{}", per_object.empty() ? "" : ", ", o.history_object, o.new_rows);
  }
  ctx.out << fmt::format("sync: {} new rows, {} already stored ({}); {} users; {} API calls\n",
                         s.new_rows(), s.seen_rows(), per_object.empty() ? "no objects" : per_object,
                         s.users_synced, s.api_calls);
}

// Prints one line per alert on stderr; returns the exit code of the run.
Result<int> report_alerts(Context& ctx, Store& store, const std::string& org_id,
                          std::optional<Timestamp> cutoff, const timeline::AlertRules& rules) {
  auto alerts = report::check_alerts(store, org_id, cutoff, rules);
  if (!alerts) return alerts.error();
  for (const std::string& a : *alerts) ctx.err << "sfrewind: " << a << "\n";
  return alerts->empty() ? kExitOk : kExitAttention;
}

int run_sync(Context& ctx, const SyncArgs& args) {
  sync::SyncOptions options;
  auto rules = timeline::parse_alert_rules(args.alerts);
  if (!rules) return report_error(ctx, rules.error());
  auto sel = selection(from_config(ctx, args.objects, "objects"), from_config(ctx, args.fields, "fields"));
  if (!sel) return report_error(ctx, sel.error());
  options.selection = std::move(*sel);
  if (!args.since.empty()) {
    auto t = parse_time_option("--since", args.since);
    if (!t) return report_error(ctx, t.error());
    options.since = *t;
  }
  auto jobs = int_setting(ctx, args.jobs, "jobs", 4, 1, 10);
  auto batch = int_setting(ctx, args.batch_size, "batch_size", 2000, 200, 2000);
  auto budget = int_setting(ctx, args.api_budget, "api_budget", 0, 0, 100);
  if (!jobs) return report_error(ctx, jobs.error());
  if (!batch) return report_error(ctx, batch.error());
  if (!budget) return report_error(ctx, budget.error());
  options.jobs = *jobs;
  options.batch_size = *batch;
  auto conn = connect(ctx, args.org);
  if (!conn) return report_error(ctx, conn.error());
  options.rest = conn->rest;
  options.rest.http.api_budget_pct = *budget;
  int code = kExitOk;
  auto lock = acquire_run_lock(ctx, args.lock, code);
  if (!lock) return code;
  auto store = open_store(ctx, true);
  if (!store) return report_error(ctx, store.error());
  auto cutoff = report::newest_change_any_org(*store);
  if (!cutoff) return report_error(ctx, cutoff.error());
  ProgressLine progress(ctx);
  options.progress = [&](const sync::SyncProgress& p) {
    progress.update(fmt::format("sync {}: {} rows, {}/{} slices", p.history_object, p.rows,
                                p.slices_done, p.slices_total));
  };
  auto summary = sync::sync_history(conn->tokens, *store, options);
  progress.finish();
  if (!summary) return report_error(ctx, summary.error());
  print_summary(ctx, *summary);
  if (args.alerts.empty()) return kExitOk;
  auto alerted = report_alerts(ctx, *store, summary->org_id, *cutoff, *rules);
  if (!alerted) return report_error(ctx, alerted.error());
  return *alerted;
}

}  // namespace

void register_sync(Registry& registry) {
  auto a = std::make_shared<SyncArgs>();
  CLI::App* sync = registry.add("sync", "Pull field history of the watched fields into the store",
                                [a](Context& ctx) { return run_sync(ctx, *a); });
  add_org_options(*sync, a->org);
  sync->add_option("--objects", a->objects, "Objects to sync (comma-separated; default all tracked)");
  sync->add_option("--fields", a->fields, "Fields to sync, as Object.Field (comma-separated)");
  sync->add_option("--since", a->since, "Lower bound of a first sync (e.g. -30d)");
  sync->add_option("--jobs", a->jobs, "Parallel connections, 1-10 (default 4)");
  sync->add_option("--batch-size", a->batch_size, "Rows per page, 200-2000 (default 2000)");
  sync->add_option("--api-budget", a->api_budget, "Stop before the org's daily API usage passes PCT");
  sync->add_option("--alert", a->alerts,
                   "Exit 3 when an integration user: new-field (changes a field it never changed "
                   "before), rate=N (changes more than N records within an hour); repeatable");
  sync->add_option("--lock", a->lock, "Lock file (default: <store>.lock)");
}

}  // namespace sfrewind::cli
