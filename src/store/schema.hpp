// Store schema and forward-only migrations keyed on PRAGMA user_version.
#pragma once

#include "store/sqlite.hpp"

#include <array>

namespace sfrewind::store {

// An index of `history`, built when missing. All but the recent tier's are dropped for a first
// full load and built after it; a load writes tier 0 only, so the recent tier's stays empty.
struct HistoryIndex {
  const char* name;
  const char* on;  // "table (columns) [WHERE ...]"
  bool unique;     // the history id's: a first load's duplicates are dropped before it is built
  bool kept;       // never dropped for a load
};
extern const std::array<HistoryIndex, 4> kHistoryIndexes;

// The schema version this build writes.
int current_schema_version();
// The oldest schema a read-only open accepts: reads need v5's tier column; v6 only added the
// page stage, which a reader of an older file finds absent (nothing staged there), and v7 only
// widened the user index, which the same reads use as it is. A read-only open cannot migrate,
// and a store may be a read-only copy kept as evidence.
constexpr int kOldestReadableSchema = 5;
// The schema that added history_stage_pages (the page stage).
constexpr int kPageStageSchema = 6;

// Brings `db` up to current_schema_version(), one transaction per migration.
// Returns kStorage when the file is newer than this build or a migration fails.
Status migrate(Db& db);

}  // namespace sfrewind::store
