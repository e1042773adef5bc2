// The page stage (schema v6): each page a later sync stages is one row of `history_stage_pages`,
// its rows packed into one BLOB, until merge_history folds them into `history`. A page costs one
// insert of a few contiguous pages instead of 2,000 row inserts into a B-tree, and the merge sorts
// rows in memory instead of in SQLite's sorter. While pages arrived, staging 100,000 rows kept
// the writer busy 0.30-0.38 s (the fetch alone takes 0.24 s); as pages, 0.08-0.14 s. Private to
// src/store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <sfrewind/history.hpp>

#include "store/sqlite.hpp"

namespace sfrewind::store {

// Stages one page of rows (their history object and the time they were first seen), packed
// (history_stage.cpp, pack_rows) in `buffer` (kept by the caller, so that its memory serves every page).
Status stage_page(Db& db, std::string_view history_object, std::string_view first_seen,
                  std::span<const HistoryRow* const> rows, std::string& buffer);

// Rows staged in pages, from the pages' row counts.
Result<std::int64_t> staged_page_rows(Db& db);

// Inserts every staged row into `history` with `tier`, deduplicated on (org_id, history_id)
// (the first copy staged stays), and deletes the pages. Rows go in record order (record, field,
// time) or, with `id_order`, in the order they were staged (ids grow with time: a rebuild after
// a large load). Works through the pages about `chunk_bytes` at a time (each chunk sorted on its
// own), so a large backlog is never all in memory. Returns the rows inserted.
// REQUIRES: a transaction is open and the history id's unique index exists.
inline constexpr std::size_t kStageChunkBytes = std::size_t{16} << 20;  // about 80,000 rows
Result<std::int64_t> merge_staged_pages(Db& db, int tier, bool id_order,
                                        std::size_t chunk_bytes = kStageChunkBytes);

}  // namespace sfrewind::store
