// Store schema and forward-only migrations keyed on PRAGMA user_version.
#pragma once

#include "store/sqlite.hpp"

#include <array>

namespace sfrewind::store {

// An index of `history`: dropped for a first full load and built after it.
struct HistoryIndex {
  const char* name;
  const char* on;  // "table (columns)"
  bool unique;     // the history id's: a first load's duplicates are dropped before it is built
};
extern const std::array<HistoryIndex, 3> kHistoryIndexes;

// The schema version this build writes.
int current_schema_version();

// Brings `db` up to current_schema_version(), one transaction per migration.
// Returns kStorage when the file is newer than this build or a migration fails.
Status migrate(Db& db);

}  // namespace sfrewind::store
