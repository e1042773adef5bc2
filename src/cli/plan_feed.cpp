// Reads the touched pairs' rows for `sfrewind plan`: parts read on one thread, planned on another.
#include "cli/plan_feed.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>

namespace sfrewind::cli {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// About 4,000 pairs (tens of thousands of rows) per part; records are never split.
constexpr std::size_t kPairsPerPart = 4096;

std::vector<Pairs> split_parts(const Touched& touched) {
  std::vector<Pairs> parts;
  for (const auto& pair : touched.pairs) {
    bool new_record = parts.empty() || parts.back().back().first != pair.first;
    if (parts.empty() || (new_record && parts.back().size() >= kPairsPerPart)) parts.emplace_back();
    parts.back().push_back(pair);
  }
  return parts;
}

// One part's rows, in a buffer reused from part to part (its strings keep their capacity): rows
// are swapped in from the store's reader, which reads the next one over the row swapped out.
struct Part {
  std::vector<HistoryRow> rows;
  std::size_t size = 0;
  Status status = ok();
};

Status read_part(Store& store, const std::string& org_id, const Pairs& pairs, Part& part) {
  HistoryFilter filter{org_id, {}, "", "", "", std::nullopt, std::nullopt, {}, "", pairs};
  part.size = 0;
  return store.each_history_row(filter, [&](HistoryRow& r) {
    if (part.size == part.rows.size()) part.rows.emplace_back();
    std::swap(part.rows[part.size++], r);
  });
}

void plan_part(const Part& part, rollback::PlanBuilder& builder) {
  std::span<const HistoryRow> rows(part.rows.data(), part.size);
  for (const auto& r : rows) {
    if (r.is_deleted) builder.add_deleted(r.record_id);
  }
  builder.add(rows);
}

}  // namespace

Result<Touched> touched_pairs(Store& store, const std::string& org_id,
                              const std::vector<std::string>& users, Timestamp from, Timestamp to,
                              const std::function<bool(const HistoryRow&)>& keep) {
  HistoryFilter mine{org_id, users, "", "", "", from, to, {}, "", {}};
  Touched t;
  auto s = store.each_history_row(mine, [&](const HistoryRow& r) {
    if (!keep(r)) return;
    t.pairs.emplace_back(r.record_id, r.field);
    t.sobjects.insert(r.sobject);
  });
  if (!s) return s.error();
  // Sorted once at the end, not kept in a set row by row: a big incident has 100,000+ rows.
  std::sort(t.pairs.begin(), t.pairs.end());
  t.pairs.erase(std::unique(t.pairs.begin(), t.pairs.end()), t.pairs.end());
  return t;
}

Status feed_rows(Store& store, const std::string& org_id, const Touched& touched,
                 rollback::PlanBuilder& builder) {
  const std::vector<Pairs> pairs = split_parts(touched);
  std::array<Part, 2> parts;  // part i is read into parts[i % 2]
  // Room for the rows of a part with long chains: grown row by row, each buffer was moved to a
  // new block at every doubling, and every block was fresh memory (8,000 of plan's 21,000 page
  // faults for 77,000 items).
  const std::size_t room = std::min(kPairsPerPart, touched.pairs.size()) * 16;
  for (Part& p : parts) p.rows.reserve(room);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t read = 0, planned = 0;
  bool stop = false;
  std::thread reader([&] {
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || i < planned + parts.size(); });
        if (stop) return;
      }
      Part& part = parts[i % parts.size()];
      part.status = read_part(store, org_id, pairs[i], part);
      bool failed = !part.status;
      {
        std::lock_guard lock(mu);
        read = i + 1;
      }
      cv.notify_all();
      if (failed) return;
    }
  });
  Status result = ok();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return read > i; });
    }
    const Part& part = parts[i % parts.size()];
    if (!part.status) {
      result = part.status;
      break;
    }
    plan_part(part, builder);
    {
      std::lock_guard lock(mu);
      planned = i + 1;
    }
    cv.notify_all();
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  reader.join();
  return result;
}

}  // namespace sfrewind::cli
