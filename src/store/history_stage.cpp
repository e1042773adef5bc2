// The page stage: packing a page's rows into one blob, and merging staged pages into `history`.
// Pages are written and read with SQLite's incremental blob I/O, straight between the store's
// pages and one buffer kept for the purpose: a 400 KB record built per page, or a copy of it per
// read, costs fresh memory (a mapping, its page faults) each time.
#include "store/history_stage.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "core/huge_pages.hpp"
#include "store/stage_chunk.hpp"
#include "store/staged_rows.hpp"

namespace sfrewind::store {
namespace {

constexpr std::string_view kStagePage =
    "INSERT INTO history_stage_pages (history_object, first_seen, row_count, rows) "
    "VALUES (?1, ?2, ?3, zeroblob(?4))";
constexpr std::string_view kChunkPages =
    "SELECT seq, history_object, first_seen, row_count, length(rows) FROM history_stage_pages "
    "WHERE seq > ?1 ORDER BY seq";
constexpr std::string_view kDeletePages = "DELETE FROM history_stage_pages WHERE seq <= ?1";

void put_varint(std::string& out, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
}

void put_text(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

void put_value(std::string& out, const std::optional<std::string>& v) {
  put_varint(out, v ? v->size() + 1 : 0);
  if (v) out.append(*v);
}

// A page's rows in the stage's blob form (read back by PageReader, store/stage_chunk.hpp): per
// row, its texts each as a varint length and the bytes (values: length + 1, 0 for null),
// changed_at as 8 bytes, is_deleted as one byte.
void pack_rows(std::span<const HistoryRow* const> rows, std::string& out) {
  out.clear();
  for (const HistoryRow* r : rows) {
    put_text(out, r->org_id);
    put_text(out, r->history_id);
    put_text(out, r->sobject);
    put_text(out, r->record_id);
    put_text(out, r->field);
    put_text(out, r->data_type);
    put_value(out, r->old_value);
    put_value(out, r->new_value);
    put_text(out, r->changed_by);
    const std::int64_t at = r->changed_at.ms();
    out.append(reinterpret_cast<const char*>(&at), sizeof at);
    out.push_back(r->is_deleted ? 1 : 0);
  }
}

Error damaged(std::int64_t seq) {
  return make_error(ErrorCode::kStorage, fmt::format("staged history page {} is damaged", seq));
}

// The pages after `after`, in order, until about `chunk_bytes` of them (at least one).
Result<std::vector<StagedPage>> chunk_pages(Db& db, std::int64_t after, std::size_t chunk_bytes) {
  auto st = Statement::prepare(db.get(), kChunkPages, false);
  if (!st) return st.error();
  (void)st->bind(1, after);
  std::vector<StagedPage> pages;
  std::size_t bytes = 0;
  while (bytes < chunk_bytes) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    StagedPage& p = pages.emplace_back();
    p.seq = st->column_int(0);
    p.history_object = st->column_text(1);
    p.first_seen = st->column_text(2);
    p.row_count = st->column_int(3);
    p.offset = bytes;
    p.size = static_cast<std::size_t>(st->column_int(4));
    bytes += p.size;
  }
  return pages;
}

// Reads (or, with `write`, writes) a staged page's bytes in place, through incremental blob I/O.
Status page_io(Db& db, std::int64_t seq, char* bytes, std::size_t size, bool write) {
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(db.get(), "main", "history_stage_pages", "rows", seq, write, &blob);
  if (rc == SQLITE_OK) {
    const int n = static_cast<int>(size);
    rc = write ? sqlite3_blob_write(blob, bytes, n, 0) : sqlite3_blob_read(blob, bytes, n, 0);
  }
  int closed = sqlite3_blob_close(blob);
  if (rc == SQLITE_OK) rc = closed;
  if (rc == SQLITE_OK) return ok();
  return sqlite_error(db.get(), rc, write ? "stage history" : "read staged history");
}

Result<Chunk> read_chunk(Db& db, std::int64_t after, std::size_t chunk_bytes) {
  auto pages = chunk_pages(db, after, chunk_bytes);
  if (!pages) return pages.error();
  Chunk chunk;
  chunk.pages = std::move(*pages);
  if (chunk.pages.empty()) return chunk;
  chunk.size = chunk.pages.back().offset + chunk.pages.back().size;
  chunk.bytes.reset(new char[std::max<std::size_t>(chunk.size, 1)]);  // filled by the reads
  advise_huge_pages(chunk.bytes.get(), chunk.size);
  for (const StagedPage& p : chunk.pages) {
    if (auto s = page_io(db, p.seq, chunk.bytes.get() + p.offset, p.size, false); !s) {
      return s.error();
    }
  }
  return chunk;
}

Result<std::vector<SortKey>> index_rows(const Chunk& chunk) {
  std::size_t total = 0;
  for (const StagedPage& p : chunk.pages) {
    total += static_cast<std::size_t>(std::max<std::int64_t>(p.row_count, 0));
  }
  std::vector<SortKey> keys;
  keys.reserve(total);
  for (std::uint32_t i = 0; i < chunk.pages.size(); ++i) {
    const StagedPage& p = chunk.pages[i];
    const std::string_view bytes = chunk.page_bytes(p);
    PageReader reader(bytes);
    for (std::int64_t k = 0; k < p.row_count; ++k) {
      const auto offset = static_cast<std::uint32_t>(bytes.size() - reader.left());
      StagedRow r;
      if (!reader.row(r)) return damaged(p.seq);
      keys.push_back(SortKey{r.record_id, r.field, r.changed_at, i, offset});
    }
    if (reader.left() != 0) return damaged(p.seq);
  }
  return keys;
}

}  // namespace


Status stage_page(Db& db, std::string_view history_object, std::string_view first_seen,
                  std::span<const HistoryRow* const> rows, std::string& buffer) {
  if (rows.empty()) return ok();
  pack_rows(rows, buffer);
  auto st = Statement::prepare(db.get(), kStagePage, false);
  if (!st) return st.error();
  Status s;
  if (!(s = st->bind_static(1, history_object)) || !(s = st->bind_static(2, first_seen)) ||
      !(s = st->bind(3, static_cast<std::int64_t>(rows.size()))) ||
      !(s = st->bind(4, static_cast<std::int64_t>(buffer.size())))) {
    return s;
  }
  if (auto done = st->exec(); !done) return with_context(done.error(), "stage history");
  return page_io(db, sqlite3_last_insert_rowid(db.get()), buffer.data(), buffer.size(), true);
}

Result<std::int64_t> staged_page_rows(Db& db) {
  return db.integer("SELECT coalesce(sum(row_count), 0) FROM history_stage_pages");
}

Result<std::int64_t> merge_staged_pages(Db& db, int tier, bool id_order,
                                        std::size_t chunk_bytes) {
  if (auto s = register_staged_rows(db); !s) return s.error();
  std::int64_t inserted = 0;
  for (std::int64_t after = 0;;) {
    auto chunk = read_chunk(db, after, chunk_bytes);
    if (!chunk) return chunk.error();
    if (chunk->pages.empty()) return inserted;
    auto keys = index_rows(*chunk);
    if (!keys) return keys.error();
    // The chunk's pages go first (it is in memory now): the rows inserted next then reuse their
    // freed pages, so the checkpoint copies each page once, not the staged copy and the row's.
    after = chunk->pages.back().seq;
    auto del = Statement::prepare(db.get(), kDeletePages, false);
    if (!del) return del.error();
    (void)del->bind(1, after);
    if (auto s = del->exec(); !s) return s.error();
    if (!id_order) {
      std::sort(keys->begin(), keys->end(), [](const SortKey& a, const SortKey& b) {
        return std::tie(a.record_id, a.field, a.changed_at, a.page, a.offset) <
               std::tie(b.record_id, b.field, b.changed_at, b.page, b.offset);
      });
    }
    auto n = insert_staged_rows(db, *chunk, *keys, tier);
    if (!n) return n.error();
    inserted += *n;
  }
}

}  // namespace sfrewind::store
