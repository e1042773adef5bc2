// `sfrewind timeline`: one record's history, or its values at a time (offline).
#include <fstream>

#include <sfrewind/report/review.hpp>
#include <sfrewind/report/review_query.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/run_guard.hpp"

namespace sfrewind::cli {
namespace {

struct TimelineArgs {
  std::vector<std::string> records;
  std::string records_file;
  std::string field;
  std::string at;
};

// Ids from a file, one per line (blank lines and `#` comments skipped).
Result<std::vector<std::string>> read_ids(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kInvalidArgument, "cannot read --records-file " + path);
  std::vector<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') ids.push_back(line);
  }
  return ids;
}

void print_values(Context& ctx, const report::RecordValues& r, Timestamp at) {
  ctx.out << r.sobject << " " << r.record_id << " at " << at.to_iso() << "\n";
  print_table(ctx.out, report::values_at_table(r.values));
}

int print_many(Context& ctx, const report::ValuesAtResult& result) {
  if (ctx.global.json) {
    ctx.out << "[";
    for (std::size_t i = 0; i < result.records.size(); ++i) {
      const auto& r = result.records[i];
      ctx.out << (i ? "," : "") << report::values_at_json(r.record_id, result.at, r.values);
    }
    ctx.out << "]\n";
    return kExitOk;
  }
  for (const auto& r : result.records) print_values(ctx, r, result.at);
  return kExitOk;
}

// Several records (or a file of them): their values at --at, read in one query.
int run_many(Context& ctx, const TimelineArgs& args) {
  std::vector<std::string> ids = args.records;
  if (!args.records_file.empty()) {
    auto more = read_ids(args.records_file);
    if (!more) return report_error(ctx, more.error());
    ids.insert(ids.end(), more->begin(), more->end());
  }
  auto store = open_store_read_only(ctx);
  if (!store) return report_error(ctx, store.error());
  constexpr std::size_t kBulkRecords = 1000;  // 10,000 records: 0.95 s -> 0.54 s
  if (ids.size() >= kBulkRecords && ctx.bulk_heap) ctx.bulk_heap();
  // Mapped: load_values_at reads in batches, each jumping about the table, and without the map
  // each page they share is copied in again (10,000 records: median 0.52 -> 0.48 s).
  if (auto s = store->map_for_reads(); !s) return report_error(ctx, s.error());
  auto result = report::load_values_at(*store, {ids, args.field, args.at, Timestamp::now()});
  if (!result) return report_error(ctx, result.error());
  return print_many(ctx, *result);
}

// One record's values at --at: only the rows they depend on, located in the record index and
// read through the map, not the record's whole history. On a VM each first touch of a mapped
// page costs ~20 us; the busiest record of the bench's store has its 59 rows on 59 pages. Per
// run: 9.78 -> 8.64 ms (median of 150 alternated; unmapped 9.08), 348 -> 293 page faults.
int run_one_at(Context& ctx, const TimelineArgs& args) {
  auto store = open_store_read_only(ctx);
  if (!store) return report_error(ctx, store.error());
  if (auto s = store->map_for_reads(); !s) return report_error(ctx, s.error());
  report::ValuesAtRequest request{args.records, args.field, args.at, Timestamp::now()};
  request.require_field = true;  // as the record's whole timeline would
  auto result = report::load_values_at(*store, request);
  if (!result) return report_error(ctx, result.error());
  const report::RecordValues& r = result->records.front();
  if (ctx.global.json) {
    ctx.out << report::values_at_json(r.record_id, result->at, r.values);
  } else {
    print_values(ctx, r, result->at);
  }
  return kExitOk;
}

int run_timeline(Context& ctx, const TimelineArgs& args) {
  if (args.records.size() != 1 || !args.records_file.empty()) return run_many(ctx, args);
  if (!args.at.empty()) return run_one_at(ctx, args);
  auto store = open_store_read_only(ctx);
  if (!store) return report_error(ctx, store.error());
  if (auto s = store->map_for_reads(); !s) return report_error(ctx, s.error());
  auto result = report::load_timeline(*store, {args.records[0], args.field, "", Timestamp::now()});
  if (!result) return report_error(ctx, result.error());
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
  t->add_option("record", a->records, "Record id (15 or 18 characters); several need --at");
  t->add_option("--records-file", a->records_file, "More record ids, one per line (needs --at)");
  t->add_option("--field", a->field, "Only this field");
  t->add_option("--at", a->at, "Show the values just before this time");
}

}  // namespace sfrewind::cli
