// The merge's row source: one chunk's staged rows, in merge order, as the eponymous virtual
// table `sfrewind_staged_rows(input)`. Private to src/store.
#pragma once

#include <cstdint>
#include <vector>

#include "store/sqlite.hpp"
#include "store/stage_chunk.hpp"

namespace sfrewind::store {

// Registers the table on `db` (again on each call: a connection's modules are replaced by name;
// merges are rare, and a store::Db opened by anyone can run one).
Status register_staged_rows(Db& db);

// Inserts the rows `keys` points at, in their order, into `history` with `tier`, deduplicated on
// (org_id, history_id); returns the rows inserted. REQUIRES: register_staged_rows(db).
Result<std::int64_t> insert_staged_rows(Db& db, const Chunk& chunk,
                                        const std::vector<SortKey>& keys, int tier);

}  // namespace sfrewind::store
