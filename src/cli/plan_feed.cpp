// Reads the touched pairs' rows for `sfrewind plan`: parts read on one thread, planned on another.
#include "cli/plan_feed.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <tuple>

#include <sfrewind/sync/snapshot.hpp>

#include "cli/plan_scan.hpp"

namespace sfrewind::cli {
namespace {

using Pair = std::pair<std::string, std::string>;

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

// Parts in slots: part i is read into slot i % slots by reader i % readers, once the part that
// held the slot before is planned, and planned in order. Room for `rows` rows is made in each
// slot up front, on the caller's thread (see feed_rows).
struct Feed {
  Feed(std::size_t slots, std::size_t rows) : parts(slots), ready(slots, 0) {
    for (Part& p : parts) p.rows.reserve(rows);
  }
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Part> parts;
  std::vector<std::size_t> ready;  // per slot: 1 + the index of the part read into it
  std::size_t planned = 0;
  bool stop = false;
};

// Reads parts first, first + step, ... of `pairs` into their slots.
void read_parts(Store& store, const std::string& org_id, const std::vector<Pairs>& pairs,
                std::size_t first, std::size_t step, Feed& feed) {
  const std::size_t slots = feed.parts.size();
  for (std::size_t i = first; i < pairs.size(); i += step) {
    {
      std::unique_lock lock(feed.mu);
      feed.cv.wait(lock, [&] { return feed.stop || i < feed.planned + slots; });
      if (feed.stop) return;
    }
    Part& part = feed.parts[i % slots];
    part.status = read_part(store, org_id, pairs[i], part);
    {
      std::lock_guard lock(feed.mu);
      feed.ready[i % slots] = i + 1;
    }
    feed.cv.notify_all();
    if (!part.status) return;
  }
}

// Plans parts 0..n-1 in order as they are read; the first read error ends it.
Status plan_parts(std::size_t n, rollback::PlanBuilder& builder, Feed& feed) {
  const std::size_t slots = feed.parts.size();
  for (std::size_t i = 0; i < n; ++i) {
    {
      std::unique_lock lock(feed.mu);
      feed.cv.wait(lock, [&] { return feed.ready[i % slots] == i + 1; });
    }
    const Part& part = feed.parts[i % slots];
    if (!part.status) return part.status;
    plan_part(part, builder);
    {
      std::lock_guard lock(feed.mu);
      feed.planned = i + 1;
    }
    feed.cv.notify_all();
  }
  return ok();
}

// A read-only connection to the same store file for a second reader, when there are parts
// enough to share and the store is a file; otherwise one reader does all.
std::optional<Store> second_reader(const Store& store, std::size_t parts) {
  if (parts < 2 || store.path() == ":memory:") return std::nullopt;
  auto other = Store::open(StoreOptions{store.path(), false, true});
  if (!other || !other->map_for_reads()) return std::nullopt;
  return std::move(*other);
}

// Unpacks and plans parts [begin, end) in order, through one reused part.
void plan_scanned(const ScannedParts& scanned, const std::string& org_id, std::size_t begin,
                  std::size_t end, rollback::PlanBuilder& builder) {
  Part part;
  for (std::size_t i = begin; i < end; ++i) {
    scanned.unpack(i, org_id, part.rows, part.size);
    plan_part(part, builder);
  }
}

// The parts' rows read by scanning the table, a share per reader at once; then the first parts
// (about half the rows) planned on this thread and the others on a fork of the builder.
Status feed_scanned(const std::vector<Store*>& readers, const std::string& org_id,
                    const std::vector<Pairs>& pairs, std::int64_t last,
                    rollback::PlanBuilder& builder) {
  ScannedParts scanned(pairs, readers.size());
  std::vector<Status> read(readers.size(), ok());
  std::vector<std::thread> threads;
  const auto n = static_cast<std::int64_t>(readers.size());
  for (std::int64_t r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      const auto k = static_cast<std::size_t>(r);
      read[k] = scanned.scan(*readers[k], org_id, last * r / n + 1, last * (r + 1) / n, k);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : read) {
    if (!s) return s;
  }
  const std::size_t half = scanned.split(pairs.size());
  rollback::PlanBuilder later = builder.fork();
  std::thread other([&] { plan_scanned(scanned, org_id, half, pairs.size(), later); });
  plan_scanned(scanned, org_id, 0, half, builder);
  other.join();
  builder.absorb(std::move(later));
  return ok();
}

// One of the users' changes, as touched_pairs collects them.
struct Seen {
  Pair pair;  // record, field
  Timestamp at;
  std::string sobject;
};

// The big-endian word of up to 8 bytes of `s` from `at` (zeros past its end): words compare as
// the bytes do.
std::uint64_t word_at(std::string_view s, std::size_t at) {
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    w = (w << 8) | (at + i < s.size() ? static_cast<unsigned char>(s[at + i]) : 0u);
  }
  return w;
}

// Where a change sorts: its record id as words (ids are 18 characters), its field's rank among
// the fields seen, and its time.
struct ChangeKey {
  std::uint64_t record[3];
  std::uint32_t field;
  std::int64_t at;
  std::uint32_t index;
};

// Per change, its field's rank among the distinct fields of `seen` in name order.
std::vector<std::uint32_t> field_ranks(const std::vector<Seen>& seen) {
  std::unordered_map<std::string_view, std::uint32_t> ids;  // by first sight
  std::vector<std::string_view> names;
  std::vector<std::uint32_t> field(seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const auto next = static_cast<std::uint32_t>(names.size());
    auto [it, fresh] = ids.try_emplace(seen[i].pair.second, next);
    if (fresh) names.push_back(seen[i].pair.second);
    field[i] = it->second;
  }
  std::vector<std::uint32_t> by_name(names.size()), rank(names.size());
  for (std::uint32_t k = 0; k < by_name.size(); ++k) by_name[k] = k;
  std::sort(by_name.begin(), by_name.end(), [&](auto x, auto y) { return names[x] < names[y]; });
  for (std::uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
  for (std::uint32_t& f : field) f = rank[f];
  return field;
}

// The indices of `seen` in (record, field, time, object) order. Comparing whole strings was a
// third of the users' changes' time in a big incident (130,000 changes: ~70 ms); the records
// are compared as integers, and the fields by rank.
std::vector<std::size_t> sorted_changes(const std::vector<Seen>& seen) {
  std::vector<std::size_t> order(seen.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const bool all_ids = std::all_of(seen.begin(), seen.end(),
                                   [](const Seen& c) { return c.pair.first.size() == 18; });
  auto by_strings = [&](std::size_t a, std::size_t b) {
    return std::tie(seen[a].pair, seen[a].at, seen[a].sobject) <
           std::tie(seen[b].pair, seen[b].at, seen[b].sobject);
  };
  if (!all_ids) {
    std::sort(order.begin(), order.end(), by_strings);
    return order;
  }
  const std::vector<std::uint32_t> field = field_ranks(seen);
  std::vector<ChangeKey> keys;
  keys.reserve(seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const std::string& r = seen[i].pair.first;
    keys.push_back(ChangeKey{{word_at(r, 0), word_at(r, 8), word_at(r, 16)}, field[i],
                             seen[i].at.ms(), static_cast<std::uint32_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [&](const ChangeKey& a, const ChangeKey& b) {
    auto ka = std::tie(a.record[0], a.record[1], a.record[2], a.field, a.at);
    auto kb = std::tie(b.record[0], b.record[1], b.record[2], b.field, b.at);
    if (ka != kb) return ka < kb;
    return seen[a.index].sobject < seen[b.index].sobject;
  });
  for (std::size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].index;
  return order;
}

}  // namespace

Result<Touched> touched_pairs(Store& store, const std::string& org_id,
                              const std::vector<std::string>& users, Timestamp from, Timestamp to,
                              const std::function<bool(const UserChange&)>& keep) {
  Touched t;
  std::vector<Seen> seen;
  auto s = store.each_user_change(org_id, users, from, to, [&](const UserChange& c) {
    if (!keep(c)) return;
    seen.push_back(Seen{Pair(c.record_id, c.field), c.changed_at, c.sobject});
    t.sobjects.insert(c.sobject);
  });
  if (!s) return s.error();
  // Sorted once at the end, not kept in a set one by one: a big incident has 100,000+ changes.
  // A pair's first row is then its first change.
  const std::vector<std::size_t> order = sorted_changes(seen);
  // Then grouped by object, each group in record order: the plan lists its items in (object,
  // record, field) order, and parts read in that order spare it sorting them all after the
  // feed (87,000 items: 66 ms). Record order alone groups objects by key prefix, not by name.
  // A record goes whole to the object of its first pair, so that no part splits it.
  std::map<std::string_view, std::vector<std::size_t>> by_object;
  std::vector<std::size_t>* group = nullptr;
  const Pair* before = nullptr;
  for (std::size_t i : order) {
    const Seen& c = seen[i];
    if (before && *before == c.pair) continue;
    if (!before || before->first != c.pair.first) group = &by_object[c.sobject];
    group->push_back(i);
    before = &c.pair;
  }
  for (const auto& [sobject, firsts] : by_object) {
    for (std::size_t i : firsts) {
      t.pairs.push_back(std::move(seen[i].pair));
      t.first_at.push_back(seen[i].at);
    }
  }
  return t;
}

Result<std::vector<rollback::SnapshotEntry>> rescue_snapshots(Store& store,
                                                              const std::string& org_id,
                                                              const Touched& touched) {
  auto infos = store.snapshots(org_id);
  if (!infos) return infos.error();
  // The order build_plan prefers them in: the latest first, and of one instant the first it
  // was given (they were given in id order). A pair takes the first one taken before its first
  // change whose values hold it (each holds every value stored by it or before it).
  std::vector<SnapshotInfo>& order = *infos;
  std::stable_sort(order.begin(), order.end(), [](const SnapshotInfo& a, const SnapshotInfo& b) {
    return b.taken_at < a.taken_at;
  });
  std::vector<std::vector<std::size_t>> waiting(order.size());  // per snapshot: its pairs
  for (std::size_t i = 0; i < touched.pairs.size(); ++i) {
    auto first = std::partition_point(order.begin(), order.end(), [&](const SnapshotInfo& s) {
      return !(s.taken_at < touched.first_at[i]);
    });
    if (first != order.end()) waiting[static_cast<std::size_t>(first - order.begin())].push_back(i);
  }
  std::vector<rollback::SnapshotEntry> out;
  // Pairs a snapshot does not hold wait on the next one; pairs only move down `order`.
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (waiting[k].empty()) continue;
    std::set<Pair> wanted;
    std::vector<std::string> records;
    for (std::size_t i : waiting[k]) {
      wanted.insert(touched.pairs[i]);
      if (records.empty() || records.back() != touched.pairs[i].first) {
        records.push_back(touched.pairs[i].first);
      }
    }
    auto values = store.snapshot_values_of(org_id, order[k].snapshot_id, records);
    if (!values) return values.error();
    for (const SnapshotValue& v : *values) {
      if (wanted.erase(Pair(v.record_id, v.field)) == 0) continue;
      out.push_back({v.record_id, v.field, sync::snapshot_field_value(v), order[k].taken_at});
    }
    if (k + 1 == order.size()) continue;
    for (std::size_t i : waiting[k]) {
      if (wanted.count(touched.pairs[i])) waiting[k + 1].push_back(i);
    }
  }
  return out;
}

Status feed_rows(Store& store, const std::string& org_id, const Touched& touched,
                 rollback::PlanBuilder& builder, FeedRead how) {
  const std::vector<Pairs> pairs = split_parts(touched);
  // A second connection reads every other part (or half the table): reading, not planning,
  // held the feed back (about 1.2 s of CPU against 0.6 s for 77,000 items by key), and a
  // connection is one thread's.
  std::optional<Store> second = second_reader(store, pairs.size());
  std::vector<Store*> readers{&store};
  if (second) readers.push_back(&*second);
  auto last = store.last_history_row();
  if (!last) return last.error();
  if (how == FeedRead::kScan ||
      (how == FeedRead::kAuto && scan_pays(touched.pairs.size(), *last, scan_memory()))) {
    return feed_scanned(readers, org_id, pairs, *last, builder);
  }
  Feed feed(readers.size() * 2, std::min(kPairsPerPart, touched.pairs.size()) * 16);
  std::vector<std::thread> threads;
  for (std::size_t r = 0; r < readers.size(); ++r) {
    threads.emplace_back([&, r] {
      // Each pair is at least one row read by key: a big incident touches most of the file.
      readers[r]->populate_map(touched.pairs.size());
      read_parts(*readers[r], org_id, pairs, r, readers.size(), feed);
    });
  }
  Status result = plan_parts(pairs.size(), builder, feed);
  {
    std::lock_guard lock(feed.mu);
    feed.stop = true;
  }
  feed.cv.notify_all();
  for (std::thread& t : threads) t.join();
  return result;
}

}  // namespace sfrewind::cli
