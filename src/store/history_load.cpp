// Store: writing history rows. A first full load goes straight into `history` with its secondary
// indexes dropped and built once at the end; later loads go to `history_stage` (append-only,
// one commit per page) and are merged into `history` in record order by merge_history().
#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include <sfrewind/store/store.hpp>

#include "store/history_stage.hpp"
#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace sfrewind {
namespace {

constexpr std::string_view kColumns =
    "org_id, history_id, sobject, record_id, field, data_type, old_value, new_value, changed_by, "
    "changed_at, is_deleted, history_object, first_seen";
constexpr std::string_view kInsert =
    "INSERT INTO history (org_id, history_id, sobject, record_id, field, data_type, old_value, "
    "new_value, changed_by, changed_at, is_deleted, history_object, first_seen) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (org_id, history_id) DO NOTHING";
constexpr std::string_view kUpdateDeleted =
    "UPDATE history SET is_deleted = ?3, vanished = 0 WHERE org_id = ?1 AND history_id = ?2 "
    "AND (is_deleted != ?3 OR vanished != 0)";
// Stored rows in a page's id range; ids grow with time, so this is one short index scan.
constexpr std::string_view kStoredRange =
    "SELECT history_id, is_deleted, vanished FROM history WHERE org_id = ?1 AND "
    "history_id >= ?2 AND history_id <= ?3 LIMIT ?4";
constexpr std::string_view kStoredOne =
    "SELECT history_id, is_deleted, vanished FROM history WHERE org_id = ?1 AND history_id = ?2";

// Rows a first load appends per statement: a statement run costs about as much again as the
// row it writes (cursor, transaction check, halt), paid once per chunk.
constexpr std::size_t kAppendChunk = 32;
constexpr int kRowParams = 13;

// A first load's insert of `rows` rows: VALUES (?1, ... ?13), (?14, ... ?26), ... No index yet,
// so nothing to conflict with (build_indexes drops duplicates).
std::string append_sql(std::size_t rows) {
  std::string sql = fmt::format("INSERT INTO history ({}) VALUES ", kColumns);
  for (std::size_t i = 0; i < rows; ++i) {
    sql += i ? ", (" : "(";
    for (int c = 1; c <= kRowParams; ++c) {
      sql += fmt::format("{}?{}", c > 1 ? ", " : "", static_cast<int>(i) * kRowParams + c);
    }
    sql += ")";
  }
  return sql;
}

// Binds one row without copying to parameters first..first+12; `at` is the row's changed_at
// text. Everything bound must live until the statement has run.
Status bind_row(store::Statement& st, const HistoryRow& r, std::string_view history_object,
                std::string_view now, const std::string& at, int first = 1) {
  using Text = std::optional<std::string_view>;
  auto optional = [](const std::optional<std::string>& v) { return v ? Text(*v) : Text(); };
  const std::array<Text, 10> head = {
      r.org_id,  r.history_id,
      r.sobject, r.record_id,
      r.field,   r.data_type.empty() ? Text() : Text(r.data_type),
      optional(r.old_value), optional(r.new_value),
      r.changed_by, at};
  const std::array<Text, 2> tail = {history_object, now};
  if (auto s = st.bind_static_from(first, head); !s) return s;
  if (auto s = st.bind(first + 10, std::int64_t{r.is_deleted}); !s) return s;
  return st.bind_static_from(first + 11, tail);
}

// Runs a prepared insert (that may be ignored) for one row; true when a row was written. Every
// parameter is bound anew, so the statement is rewound, its bindings not cleared first.
Result<bool> write_row(store::Statement& st, sqlite3* db, const HistoryRow& r,
                       std::string_view history_object, std::string_view now) {
  const std::string at = r.changed_at.to_iso();
  st.rewind();
  if (auto s = bind_row(st, r, history_object, now, at); !s) return s.error();
  if (auto s = st.exec(); !s) return s.error();
  return sqlite3_changes(db) == 1;
}

// A row stored again with another is_deleted (recycle bin) or after it vanished: updated.
Status refresh_deleted(Store::Impl& impl, const HistoryRow& r) {
  auto upd = impl.statement(kUpdateDeleted);
  if (!upd) return upd.error();
  (void)(*upd)->bind(1, r.org_id);
  (void)(*upd)->bind(2, r.history_id);
  (void)(*upd)->bind(3, std::int64_t{r.is_deleted});
  return (*upd)->exec();
}

// Inserts into `history`; a row already there only gets its is_deleted refreshed.
Status insert_direct(Store::Impl& impl, std::string_view history_object,
                     std::span<const HistoryRow> rows, InsertStats& stats) {
  const std::string now = store_now();
  auto ins = impl.statement(kInsert);
  if (!ins) return ins.error();
  for (const HistoryRow& r : rows) {
    auto fresh = write_row(**ins, impl.db.get(), r, history_object, now);
    if (!fresh) return with_context(fresh.error(), "insert history");
    if (*fresh) {
      ++stats.inserted;
    } else if (auto s = refresh_deleted(impl, r); !s) {
      return s;
    } else {
      ++stats.seen;
    }
  }
  return ok();
}

// Registers the orgs of `rows` in `orgs` (Store::org_ids reads them there), once per run of rows
// of one org.
Status register_orgs(Store::Impl& impl, std::span<const HistoryRow> rows) {
  const std::string* last = nullptr;
  for (const HistoryRow& r : rows) {
    if (last && *last == r.org_id) continue;
    last = &r.org_id;
    auto st = impl.statement(
        "INSERT INTO orgs (org_id, first_seen, last_seen) VALUES (?1, ?2, ?2) "
        "ON CONFLICT (org_id) DO NOTHING");
    if (!st) return st.error();
    (void)(*st)->bind(1, r.org_id);
    (void)(*st)->bind(2, store_now());
    if (auto s = (*st)->exec(); !s) return s;
  }
  return ok();
}

// Appends whole chunks of `rows` to `history`, kAppendChunk rows per statement run; returns
// how many rows that was.
Result<std::size_t> append_chunks(Store::Impl& impl, std::string_view history_object,
                                  std::span<const HistoryRow> rows, std::string_view now) {
  static const std::string kAppendMany = append_sql(kAppendChunk);
  const std::size_t whole = rows.size() / kAppendChunk * kAppendChunk;
  if (whole == 0) return whole;
  auto many = impl.statement(kAppendMany);
  if (!many) return many.error();
  std::array<std::string, kAppendChunk> ats;  // bound in place until the chunk has run
  for (std::size_t i = 0; i < whole; i += kAppendChunk) {
    (*many)->rewind();
    for (std::size_t k = 0; k < kAppendChunk; ++k) {
      const HistoryRow& r = rows[i + k];
      ats[k] = r.changed_at.to_iso();
      const int first = static_cast<int>(k) * kRowParams + 1;
      if (auto s = bind_row(**many, r, history_object, now, ats[k], first); !s) return s.error();
    }
    if (auto s = (*many)->exec(); !s) return s.error();
  }
  return whole;
}

// Appends to `history` while a first load has its indexes dropped.
Status append_rows(Store::Impl& impl, std::string_view history_object,
                   std::span<const HistoryRow> rows, InsertStats& stats) {
  const std::string now = store_now();
  auto chunks = append_chunks(impl, history_object, rows, now);
  if (!chunks) return with_context(chunks.error(), "insert history");
  static const std::string kAppendOne = append_sql(1);
  auto ins = impl.statement(kAppendOne);
  if (!ins) return ins.error();
  for (const HistoryRow& r : rows.subspan(*chunks)) {
    auto fresh = write_row(**ins, impl.db.get(), r, history_object, now);
    if (!fresh) return with_context(fresh.error(), "insert history");
  }
  stats.inserted += static_cast<std::int64_t>(rows.size());
  return ok();
}

struct StoredFlags {
  bool is_deleted = false;
  bool vanished = false;
};
using StoredMap = std::vector<std::pair<std::string, StoredFlags>>;  // sorted by id

Status collect(store::Statement& st, StoredMap& out) {
  while (true) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return ok();
    out.emplace_back(st.column_text(0), StoredFlags{st.column_int(1) != 0, st.column_int(2) != 0});
  }
}

// The rows of `rows` already in `history`: one range scan, or point lookups when the page's ids
// are spread over much more than the page.
Result<StoredMap> stored_rows(Store::Impl& impl, std::span<const HistoryRow> rows) {
  auto [lo, hi] = std::minmax_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.history_id < b.history_id;
  });
  const std::int64_t cap = static_cast<std::int64_t>(rows.size()) * 4 + 64;
  StoredMap out;
  auto range = impl.statement(kStoredRange);
  if (!range) return range.error();
  (void)(*range)->bind(1, rows.front().org_id);
  (void)(*range)->bind(2, lo->history_id);
  (void)(*range)->bind(3, hi->history_id);
  (void)(*range)->bind(4, cap);
  if (auto s = collect(**range, out); !s) return s.error();
  if (static_cast<std::int64_t>(out.size()) >= cap) {
    out.clear();
    for (const HistoryRow& r : rows) {
      auto one = impl.statement(kStoredOne);
      if (!one) return one.error();
      (void)(*one)->bind(1, r.org_id);
      (void)(*one)->bind(2, r.history_id);
      if (auto s = collect(**one, out); !s) return s.error();
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return out;
}

// Stages rows not yet in `history` as one page; stored rows are counted as seen (and refreshed
// if needed). A row staged twice in one run counts twice, as in a first load; the merge keeps one.
Status insert_staged(Store::Impl& impl, std::string_view history_object,
                     std::span<const HistoryRow> rows, InsertStats& stats) {
  auto stored = stored_rows(impl, rows);
  if (!stored) return stored.error();
  std::vector<const HistoryRow*> fresh;
  fresh.reserve(rows.size());
  for (const HistoryRow& r : rows) {
    auto it = std::lower_bound(stored->begin(), stored->end(), r.history_id,
                               [](const auto& e, const std::string& id) { return e.first < id; });
    if (it == stored->end() || it->first != r.history_id) {
      fresh.push_back(&r);
      continue;
    }
    ++stats.seen;
    if (it->second.is_deleted != r.is_deleted || it->second.vanished) {
      if (auto s = refresh_deleted(impl, r); !s) return s;
    }
  }
  const std::string now = store_now();
  if (auto s = store::stage_page(impl.db, history_object, now, fresh, impl.stage_buffer); !s) {
    return s;
  }
  stats.inserted += static_cast<std::int64_t>(fresh.size());
  return ok();
}

Status mark_done(Store::Impl& impl, const HistoryBatch& batch) {
  auto st = impl.statement(
      "UPDATE sync_slices SET done = 1 WHERE org_id = ?1 AND history_object = ?2 AND "
      "run_id = ?3 AND slice_from = ?4");
  if (!st) return st.error();
  (void)(*st)->bind(1, batch.org_id);
  (void)(*st)->bind(2, batch.history_object);
  (void)(*st)->bind(3, batch.finished_slice->run_id);
  (void)(*st)->bind(4, batch.finished_slice->from.to_iso());
  return (*st)->exec();
}

// Drops the secondary indexes, and the history id's too when `unique` (a first load).
Status drop_indexes(store::Db& db, bool unique) {
  for (const auto& ix : store::kHistoryIndexes) {
    if (ix.kept || (ix.unique && !unique)) continue;
    if (auto s = db.exec(fmt::format("DROP INDEX IF EXISTS {}", ix.name)); !s) return s;
  }
  return ok();
}

// Rows a first load holds twice (a slice restarted inside a second it had already written):
// the copy written last stays, as an insert over the first would have left its flags.
Status drop_duplicates(store::Db& db) {
  return db.exec(
      "DELETE FROM history WHERE rowid NOT IN (SELECT max(rowid) FROM history "
      "GROUP BY history_id, org_id)");
}

Status build_index(store::Db& db, const store::HistoryIndex& ix) {
  const std::string sql = fmt::format("CREATE {}INDEX IF NOT EXISTS {} ON {}",
                                      ix.unique ? "UNIQUE " : "", ix.name, ix.on);
  Status built = db.exec(sql);
  if (built || !ix.unique || (built.error().sqlite_code & 0xff) != SQLITE_CONSTRAINT) return built;
  if (auto s = drop_duplicates(db); !s) return s;
  return db.exec(sql);
}

// The sort behind each index runs on two threads: the build comes after the fetch, when the
// second core is idle. About 0.2 s of 1.3 s for 1M rows, for 8 MB more sorter memory.
Status build_indexes(store::Db& db) {
  (void)db.exec("PRAGMA threads=1");
  Status built = ok();
  for (const auto& ix : store::kHistoryIndexes) {
    built = build_index(db, ix);
    if (!built) break;
  }
  (void)db.exec("PRAGMA threads=0");
  return built;
}

// Rows staged and not merged: rows left in history_stage by an older build, and staged pages'.
// `version` is the file's schema: an older one than kPageStageSchema has no page stage.
Result<std::int64_t> staged_rows(store::Db& db, int version) {
  auto legacy = db.integer("SELECT count(*) FROM history_stage");
  if (!legacy) return legacy.error();
  if (version < store::kPageStageSchema) return *legacy;
  auto pages = store::staged_page_rows(db);
  if (!pages) return pages.error();
  return *legacy + *pages;
}

// Staged rows from which a merge is written in rollback-journal mode (see merge_history).
constexpr std::int64_t kJournalMergeRows = 20'000;

// Moves every staged row into `history` (tier `tier`, in record order unless `id_order`) and
// empties the stage. Debian builds SQLite with secure_delete on, which zeroes every freed page:
// 22 MB more WAL (and checkpoint) per 100,000 staged rows, to erase copies of rows that `history`
// now holds. FAST (2) zeroes only what costs no extra write. A merge in record order writes
// into every index of `history` at once, and since schema 7's wider user index their pages
// spilled from 8 MiB of cache and were read back (100,000 rows into 1.4M: 1.23-1.52 s, against
// 0.85-0.93 s with 16 MiB, peak RSS 51 -> 59 MB); a merge in id order leaves the indexes to be
// built after it, whose sorters take memory by the cache size. Both settings are restored.
Result<std::int64_t> merge_stage(store::Db& db, int tier, bool id_order) {
  auto was = db.integer("PRAGMA secure_delete");
  if (!was) return was.error();
  auto cache = db.integer("PRAGMA cache_size");
  if (!cache) return cache.error();
  if (auto s = db.exec("PRAGMA secure_delete=2"); !s) return s.error();
  if (!id_order) (void)db.exec("PRAGMA cache_size=-16384");
  auto merged = store::merge_staged_pages(db, tier, id_order);
  std::int64_t legacy = 0;
  if (merged) {
    std::string sql = fmt::format(
        "INSERT INTO history ({0}, tier) SELECT {0}, {2} FROM history_stage WHERE true "
        "ORDER BY {1} ON CONFLICT (org_id, history_id) DO NOTHING",
        kColumns, id_order ? "history_id, org_id" : "record_id, field, changed_at", tier);
    Status s = db.exec(sql);
    legacy = sqlite3_changes(db.get());
    if (s) s = db.exec("DELETE FROM history_stage");
    if (!s) merged = with_context(s.error(), "merge history");
  }
  (void)db.exec(fmt::format("PRAGMA secure_delete={}", *was));
  (void)db.exec(fmt::format("PRAGMA cache_size={}", *cache));
  if (!merged) return merged.error();
  return *merged + legacy;
}

// Folds the recent tier into the base once it holds a quarter as many rows as the base: the
// fold rewrites the base record index once (about what one merge into it cost before schema v5)
// for the several syncs since the last fold. `rows` is the count of all stored rows.
Status fold_recent(store::Db& db, std::int64_t rows) {
  auto recent = db.integer("SELECT count(*) FROM history WHERE tier = 1");
  if (!recent) return recent.error();
  if (*recent == 0 || *recent * 5 < rows) return ok();
  auto tx = store::Transaction::begin(db);
  if (!tx) return tx.error();
  if (auto s = db.exec("UPDATE history SET tier = 0 WHERE tier = 1"); !s) return s;
  return tx->commit();
}

}  // namespace

Result<InsertStats> Store::insert_history(const std::string& history_object,
                                          std::span<const HistoryRow> rows) {
  InsertStats stats;
  if (rows.empty()) return stats;
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  if (auto s = register_orgs(*impl_, rows); !s) return s.error();
  if (auto s = insert_direct(*impl_, history_object, rows, stats); !s) return s.error();
  if (auto s = tx->commit(); !s) return s.error();
  return stats;
}

Result<LoadMode> Store::begin_history_load() {
  if (auto merged = merge_history(); !merged) return merged.error();
  auto any = impl_->db.integer("SELECT EXISTS (SELECT 1 FROM history)");
  if (!any) return any.error();
  if (*any) return LoadMode::kStaged;
  impl_->reset_statements();
  if (auto s = drop_indexes(impl_->db, true); !s) return s.error();
  // A first load only appends to the file, and a rollback journal never holds pages the file
  // did not have: each page is written once, not to the WAL and again by the checkpoint.
  // Best effort: with another connection open the store stays in WAL, where the load is
  // appended once to the WAL and copied once by merge_history, not checkpointed every few pages.
  (void)impl_->db.exec("PRAGMA journal_mode=DELETE");
  if (auto s = impl_->db.exec("PRAGMA wal_autocheckpoint=0"); !s) return s.error();
  return LoadMode::kDirect;
}

Result<InsertStats> Store::load_history(LoadMode mode, const HistoryBatch& batch) {
  auto stats = load_history(mode, std::span<const HistoryBatch>(&batch, 1));
  if (!stats) return stats.error();
  return stats->front();
}

Result<std::vector<InsertStats>> Store::load_history(LoadMode mode,
                                                     std::span<const HistoryBatch> batches) {
  std::vector<InsertStats> stats(batches.size());
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const HistoryBatch& batch = batches[i];
    if (!batch.rows.empty()) {
      if (auto s = register_orgs(*impl_, batch.rows); !s) return s.error();
      Status s = mode == LoadMode::kDirect
                     ? append_rows(*impl_, batch.history_object, batch.rows, stats[i])
                     : insert_staged(*impl_, batch.history_object, batch.rows, stats[i]);
      if (!s) return s.error();
    }
    if (batch.finished_slice) {
      if (auto s = mark_done(*impl_, batch); !s) return s.error();
    }
  }
  if (auto s = tx->commit(); !s) return s.error();
  return stats;
}

Result<std::int64_t> Store::merge_history() {
  store::Db& db = impl_->db;
  auto staged = staged_rows(db, impl_->version);
  if (!staged) return staged.error();
  std::string names;
  for (const auto& ix : store::kHistoryIndexes) {
    names += fmt::format("{}'{}'", names.empty() ? "" : ", ", ix.name);
  }
  auto built = db.integer(
      fmt::format("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ({})",
                      names));
  if (!built) return built.error();
  if (*staged == 0 && *built == static_cast<std::int64_t>(store::kHistoryIndexes.size())) return 0;
  impl_->reset_statements();
  // A big merge runs in rollback-journal mode, as a first load does: through the WAL each page
  // it writes is written twice, once there and once by the checkpoint (100,000 rows into 1M:
  // mean 0.97 s against 1.18 s a sync). Best effort, and only when big: with another connection
  // open the store stays in WAL, and meanwhile read-only commands are refused (a small merge,
  // a night's, stays in WAL so that they never are).
  if (*staged >= kJournalMergeRows) (void)db.exec("PRAGMA journal_mode=DELETE");
  auto tx = store::Transaction::begin(db);
  if (!tx) return tx.error();
  // Rows stored, from the rowids: history keeps every row it was given (none is deleted but a
  // first load's duplicates, which only lower the count), so this bounds the count from above
  // without reading a million index entries.
  auto stored = last_history_row();
  if (!stored) return stored.error();
  // Many rows: load in id order and sort once into fresh indexes. Few: insert in record order,
  // so the record index is written front to back.
  bool rebuild = *staged > *stored;
  if (rebuild) {
    if (auto s = drop_indexes(db, false); !s) return s.error();
  }
  std::int64_t merged = 0;
  if (*staged > 0) {
    // The history id's index first (a first load that was cut short has none yet). Rows for
    // rebuilt indexes go to the base tier; otherwise to the recent one (see schema v5).
    if (auto s = build_index(db, store::kHistoryIndexes[0]); !s) return s.error();
    auto moved = merge_stage(db, rebuild ? 0 : 1, rebuild);
    if (!moved) return moved.error();
    merged = *moved;
  }
  if (auto s = build_indexes(db); !s) return with_context(s.error(), "build history indexes");
  if (auto s = tx->commit(); !s) return s.error();
  if (auto s = fold_recent(db, *stored + merged); !s) {
    return with_context(s.error(), "fold history");
  }
  (void)db.exec("PRAGMA journal_mode=WAL");  // after a first load or a big merge; Store::open too
  (void)db.exec("PRAGMA wal_autocheckpoint=1000");
  (void)db.exec("PRAGMA wal_checkpoint(TRUNCATE)");  // best effort: a reader may hold the WAL
  return merged;
}

Result<std::int64_t> Store::staged_history_count() {
  return staged_rows(impl_->db, impl_->version);
}

}  // namespace sfrewind
