// Reads what `sfrewind plan` plans from the store: the (record, field) pairs the users changed,
// then every stored row of those pairs, handed to a PlanBuilder part by part.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sfrewind/history.hpp>
#include <sfrewind/rollback/planner.hpp>
#include <sfrewind/store/store.hpp>

namespace sfrewind::cli {

// What the users changed in the window: (record, field) pairs, distinct, in the order of the
// plan's items (by object, then record and field), and their objects.
struct Touched {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<Timestamp> first_at;  // per pair: the users' first change to it in the window
  std::set<std::string> sobjects;
};

// The pairs of the users' changes in [from, to) (fields and events) that `keep` accepts.
Result<Touched> touched_pairs(Store& store, const std::string& org_id,
                              const std::vector<std::string>& users, Timestamp from, Timestamp to,
                              const std::function<bool(const UserChange&)>& keep);

// What build_plan can rescue an item from (PlanRequest::snapshots): for each touched pair, its
// value as of the latest snapshot taken before the users' first change to it (the lowest id of
// snapshots taken at that instant), the one snapshot build_plan would pick. Each snapshot's
// every value, as plan once read, grew with every night's snapshot.
Result<std::vector<rollback::SnapshotEntry>> rescue_snapshots(Store& store,
                                                              const std::string& org_id,
                                                              const Touched& touched);

// How feed_rows reads: by key (a seek of the record index per pair), by scanning the history
// table once, or whichever scan_pays (plan_scan.hpp) says costs less.
enum class FeedRead { kAuto, kByKey, kScan };

// Hands `builder` the stored rows (all editors, all times) of every touched pair, in parts of a
// few thousand pairs; other fields of those records are not handed over, as nothing about them
// is decided. A part never splits a record, so a record with a row in the recycle bin is known
// deleted before any of its rows is planned. Reads go through `store` (used by this call's
// threads only until it returns) and, for a store file, a second read-only connection to it.
// By key, they read the next parts while the caller's thread plans them in order. By scan,
// each connection reads half the table, then the caller's thread plans the first parts while
// another plans the rest on a fork of `builder`.
Status feed_rows(Store& store, const std::string& org_id, const Touched& touched,
                 rollback::PlanBuilder& builder, FeedRead how = FeedRead::kAuto);

}  // namespace sfrewind::cli
