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

// Hands `builder` the stored rows (all editors, all times) of every touched pair, a few
// thousand pairs at a time through the record index; other fields of those records are not
// read, as nothing about them is decided. A part never splits a record, so a record with a row
// in the recycle bin is known deleted before any of its rows is planned. Other threads read the
// next parts while the caller's thread plans them in order: one through `store` (used by that
// thread only until this returns) and, for a store file, one through a second read-only
// connection to it.
Status feed_rows(Store& store, const std::string& org_id, const Touched& touched,
                 rollback::PlanBuilder& builder);

}  // namespace sfrewind::cli
