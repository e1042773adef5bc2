// The page stage: packing a page's rows into one blob, and merging staged pages into `history`.
// Pages are written and read with SQLite's incremental blob I/O, straight between the store's
// pages and one buffer kept for the purpose: a 400 KB record built per page, or a copy of it per
// read, costs fresh memory (a mapping, its page faults) each time.
#include "store/history_stage.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "core/huge_pages.hpp"

namespace sfrewind::store {
namespace {

constexpr std::string_view kStagePage =
    "INSERT INTO history_stage_pages (history_object, first_seen, row_count, rows) "
    "VALUES (?1, ?2, ?3, zeroblob(?4))";
constexpr std::string_view kChunkPages =
    "SELECT seq, history_object, first_seen, row_count, length(rows) FROM history_stage_pages "
    "WHERE seq > ?1 ORDER BY seq";
constexpr std::string_view kDeletePages = "DELETE FROM history_stage_pages WHERE seq <= ?1";
constexpr std::string_view kInsertRows =
    "INSERT INTO history (org_id, history_id, sobject, record_id, field, data_type, old_value, "
    "new_value, changed_by, changed_at, is_deleted, history_object, first_seen, tier) "
    "SELECT org_id, history_id, sobject, record_id, field, data_type, old_value, new_value, "
    "changed_by, changed_at, is_deleted, history_object, first_seen, ?2 "
    "FROM sfrewind_staged_rows(?1) WHERE true ON CONFLICT (org_id, history_id) DO NOTHING";

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

// A staged row read in place from its page's bytes.
struct StagedRow {
  std::string_view org_id, history_id, sobject, record_id, field, data_type, changed_by;
  std::optional<std::string_view> old_value, new_value;
  std::int64_t changed_at = 0;
  bool is_deleted = false;
};

// Reads rows back from a page's bytes; each read fails when the bytes end early.
class PageReader {
 public:
  explicit PageReader(std::string_view bytes) : rest_(bytes) {}

  bool row(StagedRow& r) {
    char deleted = 0;
    if (!(text(r.org_id) && text(r.history_id) && text(r.sobject) && text(r.record_id) &&
          text(r.field) && text(r.data_type) && value(r.old_value) && value(r.new_value) &&
          text(r.changed_by) && fixed(r.changed_at) && fixed(deleted))) {
      return false;
    }
    r.is_deleted = deleted != 0;
    return true;
  }
  std::size_t left() const { return rest_.size(); }

 private:
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && !rest_.empty(); shift += 7) {
      auto byte = static_cast<unsigned char>(rest_.front());
      rest_.remove_prefix(1);
      v |= std::uint64_t{byte & 0x7fu} << shift;
      if (byte < 0x80) return true;
    }
    return false;
  }
  bool bytes(std::uint64_t n, std::string_view& out) {
    if (n > rest_.size()) return false;
    out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  bool text(std::string_view& out) {
    std::uint64_t n = 0;
    return varint(n) && bytes(n, out);
  }
  bool value(std::optional<std::string_view>& out) {
    std::uint64_t n = 0;
    if (!varint(n)) return false;
    out.reset();
    if (n == 0) return true;
    std::string_view v;
    if (!bytes(n - 1, v)) return false;
    out = v;
    return true;
  }
  template <typename T>
  bool fixed(T& out) {
    if (rest_.size() < sizeof(T)) return false;
    std::memcpy(&out, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }

  std::string_view rest_;
};

struct StagedPage {
  std::int64_t seq = 0;
  std::string history_object;
  std::string first_seen;
  std::int64_t row_count = 0;
  std::size_t offset = 0;  // of its bytes in the chunk's buffer
  std::size_t size = 0;
};

// A chunk of staged pages: their bytes in one buffer, read straight from the store's pages.
struct Chunk {
  std::vector<StagedPage> pages;
  std::unique_ptr<char[]> bytes;
  std::size_t size = 0;

  std::string_view page_bytes(const StagedPage& p) const {
    return {bytes.get() + p.offset, p.size};
  }
};

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

Status read_blob(Db& db, std::int64_t seq, char* out, std::size_t size) {
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(db.get(), "main", "history_stage_pages", "rows", seq, 0, &blob);
  if (rc == SQLITE_OK) rc = sqlite3_blob_read(blob, out, static_cast<int>(size), 0);
  int closed = sqlite3_blob_close(blob);
  if (rc == SQLITE_OK) rc = closed;
  return rc == SQLITE_OK ? ok() : Status(sqlite_error(db.get(), rc, "read staged history"));
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
    if (auto s = read_blob(db, p.seq, chunk.bytes.get() + p.offset, p.size); !s) return s.error();
  }
  return chunk;
}

// Where a staged row is, and what it sorts by: record, field, time, then the order it was staged.
struct SortKey {
  std::string_view record_id;
  std::string_view field;
  std::int64_t changed_at = 0;
  std::uint32_t page = 0;
  std::uint32_t offset = 0;  // of the row in its page's bytes
};

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

// One chunk's rows in merge order, as the eponymous virtual table `sfrewind_staged_rows(input)`:
// one INSERT ... SELECT from it moves them all, so the statement opens its cursors on `history`
// and its indexes once, where an INSERT run per row opened five per row (100,000 rows: 0.39-0.42 s
// against 0.56-0.62 s). `input` takes a MergeInput only through sqlite3_bind_pointer, so SQL
// cannot reach it; the table is also marked direct-only (no use from a view or trigger).
struct MergeInput {
  const Chunk* chunk = nullptr;
  const std::vector<SortKey>* keys = nullptr;
};
constexpr const char* kInputType = "sfrewind-staged-rows";
constexpr int kInputColumn = 13;

struct RowsState {
  const MergeInput* in = nullptr;
  std::size_t i = 0;
  StagedRow row;
  const StagedPage* page = nullptr;
  std::string at;
  bool damaged = false;
};

// What SQLite holds: standard-layout, so a pointer to `base` is one to the cursor.
struct RowsCursor {
  sqlite3_vtab_cursor base;
  RowsState* state;
};

bool at_end(const RowsState& c) { return !c.in || c.damaged || c.i >= c.in->keys->size(); }

void load_row(RowsState& c) {
  if (!c.in || c.i >= c.in->keys->size()) return;
  const SortKey& k = (*c.in->keys)[c.i];
  c.page = &c.in->chunk->pages[k.page];
  PageReader reader(c.in->chunk->page_bytes(*c.page).substr(k.offset));
  c.damaged = !reader.row(c.row);  // read once already: cannot happen
  c.at = Timestamp(c.row.changed_at).to_iso();
}

int rows_connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(
      db, "CREATE TABLE x(org_id, history_id, sobject, record_id, field, data_type, old_value, "
          "new_value, changed_by, changed_at, is_deleted, history_object, first_seen, "
          "input HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  *out = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
  if (!*out) return SQLITE_NOMEM;
  **out = sqlite3_vtab{};
  return SQLITE_OK;
}

int rows_disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab);
  return SQLITE_OK;
}

// Only a scan given its input: `= ?` on the hidden column.
int rows_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn == kInputColumn && c.op == SQLITE_INDEX_CONSTRAINT_EQ && c.usable) {
      info->aConstraintUsage[i].argvIndex = 1;
      info->aConstraintUsage[i].omit = 1;
      info->estimatedCost = 1;
      return SQLITE_OK;
    }
  }
  return SQLITE_CONSTRAINT;
}

int rows_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) RowsCursor{{}, new (std::nothrow) RowsState()};
  if (c && !c->state) {
    delete c;
    c = nullptr;
  }
  if (!c) return SQLITE_NOMEM;
  *out = &c->base;
  return SQLITE_OK;
}

RowsState& cursor(sqlite3_vtab_cursor* base) { return *reinterpret_cast<RowsCursor*>(base)->state; }

int rows_close(sqlite3_vtab_cursor* base) {
  auto* c = reinterpret_cast<RowsCursor*>(base);
  delete c->state;
  delete c;
  return SQLITE_OK;
}

int rows_filter(sqlite3_vtab_cursor* base, int, const char*, int argc, sqlite3_value** argv) {
  RowsState& c = cursor(base);
  c.in = argc == 1 ? static_cast<const MergeInput*>(sqlite3_value_pointer(argv[0], kInputType))
                   : nullptr;
  c.i = 0;
  c.damaged = false;
  load_row(c);
  return c.damaged ? SQLITE_CORRUPT : SQLITE_OK;
}

int rows_next(sqlite3_vtab_cursor* base) {
  RowsState& c = cursor(base);
  ++c.i;
  load_row(c);
  return c.damaged ? SQLITE_CORRUPT : SQLITE_OK;
}

int rows_eof(sqlite3_vtab_cursor* base) { return at_end(cursor(base)) ? 1 : 0; }

void result_text(sqlite3_context* ctx, std::string_view text) {
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void result_value(sqlite3_context* ctx, const std::optional<std::string_view>& v) {
  if (v) {
    result_text(ctx, *v);
  } else {
    sqlite3_result_null(ctx);
  }
}

int rows_column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int column) {
  const RowsState& c = cursor(base);
  const StagedRow& r = c.row;
  switch (column) {
    case 0: result_text(ctx, r.org_id); break;
    case 1: result_text(ctx, r.history_id); break;
    case 2: result_text(ctx, r.sobject); break;
    case 3: result_text(ctx, r.record_id); break;
    case 4: result_text(ctx, r.field); break;
    case 5:
      result_value(ctx, r.data_type.empty() ? std::nullopt : std::optional(r.data_type));
      break;
    case 6: result_value(ctx, r.old_value); break;
    case 7: result_value(ctx, r.new_value); break;
    case 8: result_text(ctx, r.changed_by); break;
    case 9: result_text(ctx, c.at); break;
    case 10: sqlite3_result_int(ctx, r.is_deleted ? 1 : 0); break;
    case 11: result_text(ctx, c.page->history_object); break;
    case 12: result_text(ctx, c.page->first_seen); break;
    default: sqlite3_result_null(ctx); break;
  }
  return SQLITE_OK;
}

int rows_rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(cursor(base).i);
  return SQLITE_OK;
}

sqlite3_module rows_module() {
  sqlite3_module m{};
  m.xConnect = rows_connect;  // eponymous only: no xCreate
  m.xBestIndex = rows_best_index;
  m.xDisconnect = rows_disconnect;
  m.xOpen = rows_open;
  m.xClose = rows_close;
  m.xFilter = rows_filter;
  m.xNext = rows_next;
  m.xEof = rows_eof;
  m.xColumn = rows_column;
  m.xRowid = rows_rowid;
  return m;
}

const sqlite3_module kRowsModule = rows_module();

Result<std::int64_t> insert_rows(Db& db, const Chunk& chunk, const std::vector<SortKey>& keys,
                                 int tier) {
  auto st = Statement::prepare(db.get(), kInsertRows, false);
  if (!st) return st.error();
  MergeInput in{&chunk, &keys};
  if (auto s = st->bind_pointer(1, &in, kInputType); !s) return s.error();
  (void)st->bind(2, std::int64_t{tier});
  if (auto s = st->exec(); !s) return with_context(s.error(), "merge history");
  return sqlite3_changes(db.get());
}

}  // namespace

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
  sqlite3_blob* blob = nullptr;
  const std::int64_t seq = sqlite3_last_insert_rowid(db.get());
  int rc = sqlite3_blob_open(db.get(), "main", "history_stage_pages", "rows", seq, 1, &blob);
  if (rc == SQLITE_OK) {
    rc = sqlite3_blob_write(blob, buffer.data(), static_cast<int>(buffer.size()), 0);
  }
  int closed = sqlite3_blob_close(blob);
  if (rc == SQLITE_OK) rc = closed;
  return rc == SQLITE_OK ? ok() : Status(sqlite_error(db.get(), rc, "stage history"));
}

Result<std::int64_t> staged_page_rows(Db& db) {
  auto st = Statement::prepare(db.get(), "SELECT sum(row_count) FROM history_stage_pages", false);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return *row ? st->column_int(0) : 0;
}

Result<std::int64_t> merge_staged_pages(Db& db, int tier, bool id_order,
                                        std::size_t chunk_bytes) {
  // Registered again by each merge (a connection's modules are replaced by name): merges are
  // rare, and a store::Db opened by anyone can run one.
  if (int rc = sqlite3_create_module_v2(db.get(), "sfrewind_staged_rows", &kRowsModule, nullptr,
                                        nullptr);
      rc != SQLITE_OK) {
    return sqlite_error(db.get(), rc, "merge history");
  }
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
    auto n = insert_rows(db, *chunk, *keys, tier);
    if (!n) return n.error();
    inserted += *n;
  }
}

}  // namespace sfrewind::store
