// query_latency: times one record's values at a time through the library (load_values_at, the
// call `sfrewind timeline RECORD --at T` makes), as a C++ program linking sfrewind would run it:
// opening the store read-only and querying, and the query alone on a store already open.
// Separates the query from the CLI's process start. The store is not mapped (the library's
// default): a long-lived process reuses its heap from query to query, while each open would
// touch the map's pages anew (open + query 0.72 ms unmapped, 1.3-2.2 ms mapped).
// Built only with -DSFREWIND_BENCH=ON, run by scripts/bench.sh.
//   query_latency --store FILE --record ID --at TIME [--runs N]   prints one JSON line (ms)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/report/review_query.hpp>
#include <sfrewind/store/store.hpp>

namespace {

using namespace sfrewind;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "query_latency: %s\n", what.c_str());
  std::exit(2);
}

Result<Store> open_store(const std::string& path) {
  StoreOptions options;
  options.path = path;
  options.read_only = true;
  return Store::open(options);
}

// One query; returns the values it found, so the work cannot be skipped.
std::size_t query(Store& store, const report::ValuesAtRequest& request) {
  auto result = report::load_values_at(store, request);
  if (!result) fail(result.error().message);
  return result->records.front().values.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, record, at;
  int runs = 21;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view k = argv[i];
    if (k == "--store") path = argv[i + 1];
    else if (k == "--record") record = argv[i + 1];
    else if (k == "--at") at = argv[i + 1];
    else if (k == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    else fail("unknown option " + std::string(k));
  }
  if (path.empty() || record.empty() || at.empty()) fail("needs --store, --record and --at");
  report::ValuesAtRequest request{{record}, "", at, Timestamp::now()};
  std::vector<double> cold, warm;
  std::size_t values = 0;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    auto store = open_store(path);
    if (!store) fail(store.error().message);
    values = query(*store, request);
    cold.push_back(ms_since(t0));
  }
  auto store = open_store(path);
  if (!store) fail(store.error().message);
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    values = query(*store, request);
    warm.push_back(ms_since(t0));
  }
  std::printf("{\"values\": %zu, \"open_query_ms\": %.2f, \"query_ms\": %.2f}\n", values,
              median(cold), median(warm));
  return 0;
}
