// `sfrewind changes`: who changed what, from the store (offline).
#include <fmt/format.h>

#include <sfrewind/report/review.hpp>
#include <sfrewind/report/review_query.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/run_guard.hpp"

namespace sfrewind::cli {
namespace {

struct ChangesArgs {
  std::vector<std::string> users;
  bool integration = false;
  std::string object;
  std::string field;
  std::string from;
  std::string to;
  bool csv = false;
  bool summary = false;
};

void print_rows(Context& ctx, const ChangesArgs& args, const report::ChangesResult& r) {
  if (ctx.global.json) {
    ctx.out << report::changes_json(r.rows, r.names);
  } else if (args.csv) {
    ctx.out << report::changes_csv(r.rows, r.names);
  } else if (r.rows.empty()) {
    if (!ctx.global.quiet) ctx.out << "no changes\n";
  } else {
    print_table(ctx.out, report::changes_table(r.rows, r.names));
  }
}

void print_summary(Context& ctx, const ChangesArgs& args, const report::ChangeSummaryResult& r) {
  const auto& summary = r.rows;
  if (ctx.global.json) {
    ctx.out << report::summary_json(summary, r.names);
  } else if (args.csv) {
    ctx.out << report::summary_csv(summary, r.names);
  } else if (summary.empty()) {
    if (!ctx.global.quiet) ctx.out << "no changes\n";
  } else {
    print_table(ctx.out, report::summary_table(summary, r.names));
  }
}

int run_changes(Context& ctx, const ChangesArgs& args) {
  if (ctx.global.json && args.csv) {
    return report_error(ctx, make_error(ErrorCode::kInvalidArgument, "--json and --csv exclude each other"));
  }
  auto store = open_store_read_only(ctx);
  if (!store) return report_error(ctx, store.error());
  report::ChangesRequest request{args.users, args.integration, args.object, args.field,
                                 args.from,  args.to,          Timestamp::now()};
  if (args.summary) {
    auto summary = report::load_change_summary(*store, request);
    if (!summary) return report_error(ctx, summary.error());
    print_summary(ctx, args, *summary);
    return kExitOk;
  }
  auto result = report::load_changes(*store, request);
  if (!result) return report_error(ctx, result.error());
  print_rows(ctx, args, *result);
  return kExitOk;
}

}  // namespace

void register_changes(Registry& registry) {
  auto a = std::make_shared<ChangesArgs>();
  CLI::App* c = registry.add("changes", "Who changed what, from the stored history",
                             [a](Context& ctx) { return run_changes(ctx, *a); });
  c->add_option("--user", a->users, "User id or username (repeatable)");
  c->add_flag("--integration", a->integration, "Changes of every integration user");
  c->add_option("--object", a->object, "Only this object");
  c->add_option("--field", a->field, "Only this field");
  c->add_option("--from", a->from, "From this time (inclusive)");
  c->add_option("--to", a->to, "Up to this time (exclusive)");
  c->add_flag("--csv", a->csv, "CSV on stdout");
  c->add_flag("--summary", a->summary, "Group by user, object and field with counts");
}

}  // namespace sfrewind::cli
