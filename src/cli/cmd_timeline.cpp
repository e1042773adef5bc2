// `sfrewind timeline`: one record's history, or its values at a time (offline).
#include <sfrewind/report/review.hpp>
#include <sfrewind/report/review_query.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/run_guard.hpp"

namespace sfrewind::cli {
namespace {

struct TimelineArgs {
  std::string record;
  std::string field;
  std::string at;
};

int run_timeline(Context& ctx, const TimelineArgs& args) {
  auto store = open_store_read_only(ctx);
  if (!store) return report_error(ctx, store.error());
  auto result = report::load_timeline(*store, {args.record, args.field, args.at, Timestamp::now()});
  if (!result) return report_error(ctx, result.error());
  if (result->at) {
    if (ctx.global.json) {
      ctx.out << report::values_at_json(result->record.record_id, *result->at, result->values);
    } else {
      ctx.out << result->record.sobject << " " << result->record.record_id << " at "
              << result->at->to_iso() << "\n";
      print_table(ctx.out, report::values_at_table(result->values));
    }
    return kExitOk;
  }
  if (ctx.global.json) {
    ctx.out << report::timeline_json(result->record, result->names);
  } else {
    ctx.out << result->record.sobject << " " << result->record.record_id << "\n";
    print_table(ctx.out, report::timeline_table(result->record, result->names));
  }
  return kExitOk;
}

}  // namespace

void register_timeline(Registry& registry) {
  auto a = std::make_shared<TimelineArgs>();
  CLI::App* t = registry.add("timeline", "One record's history, or its values at a time",
                             [a](Context& ctx) { return run_timeline(ctx, *a); });
  t->add_option("record", a->record, "Record id (15 or 18 characters)")->required();
  t->add_option("--field", a->field, "Only this field");
  t->add_option("--at", a->at, "Show the values just before this time");
}

}  // namespace sfrewind::cli
