// Store: history rows (the public `history` table) and sync state.
#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sfrewind/store/store.hpp>

#include "store/store_impl.hpp"

namespace sfrewind {
namespace {

// A JSON array of two-element arrays, for json_each().
std::string json_pairs(std::span<const std::pair<std::string, std::string>> pairs) {
  std::string list = "[";
  for (const auto& [a, b] : pairs) {
    list += fmt::format("{}[{},{}]", list.size() > 1 ? "," : "", json_quote(a), json_quote(b));
  }
  return list + "]";
}

// Appends `values` to `args` and returns their placeholders ("?4, ?5"), for an IN list.
std::string placeholders(std::vector<std::string>& args, std::span<const std::string> values) {
  std::string list;
  for (const auto& v : values) {
    args.push_back(v);
    list += fmt::format("{}?{}", list.empty() ? "" : ", ", args.size());
  }
  return list;
}

// The columns read_row() reads, in its order.
constexpr std::string_view kRowColumns =
    "org_id, history_id, sobject, record_id, field, coalesce(data_type, ''), old_value, "
    "new_value, changed_by, changed_at, is_deleted";

// Whether a select seeks or walks the record index, which is split by tier (schema v5): by
// record, or in record order without a user to seek instead.
bool reads_by_record(const HistoryFilter& f, bool stored) {
  return !f.record_id.empty() || !f.record_ids.empty() || !f.record_fields.empty() ||
         (stored && f.users.empty());
}

// `stored` adds the store's own columns (history_object, vanished) and the documented order.
// A read by record is one select per tier, each through its tier's partial index.
std::string history_select(const HistoryFilter& f, bool stored, std::vector<std::string>& args) {
  std::string sql = fmt::format("SELECT {}", kRowColumns);
  sql += stored ? ", history_object, vanished FROM history WHERE " : " FROM history WHERE ";
  // The org only filters rows (the unary plus): SQLite is to seek the record or user index or
  // walk the record index in the order asked, never to pick an index for the org alone.
  sql += "+org_id = ?1";
  args.push_back(f.org_id);
  auto add = [&](std::string_view clause, const std::string& value) {
    args.push_back(value);
    sql += fmt::format(" AND {} ?{}", clause, args.size());
  };
  if (!f.sobject.empty()) add("sobject =", f.sobject);
  if (!f.field.empty()) add("field =", f.field);
  if (!f.data_type.empty()) add("data_type =", f.data_type);
  if (!f.record_id.empty()) add("record_id =", f.record_id);
  if (!f.record_ids.empty()) {
    args.push_back(json_array(f.record_ids));
    sql += fmt::format(" AND record_id IN (SELECT value FROM json_each(?{}))", args.size());
  }
  if (!f.record_fields.empty()) {
    args.push_back(json_pairs(f.record_fields));
    sql += fmt::format(" AND (record_id, field) IN (SELECT value ->> 0, value ->> 1 FROM "
                       "json_each(?{}))", args.size());
  }
  if (f.with_value) sql += " AND (old_value IS NOT NULL OR new_value IS NOT NULL)";
  if (f.from) add("changed_at >=", f.from->to_iso());
  if (f.to) add("changed_at <", f.to->to_iso());
  if (!f.users.empty()) sql += fmt::format(" AND changed_by IN ({})", placeholders(args, f.users));
  if (reads_by_record(f, stored)) {
    sql = fmt::format("{0} AND tier = 0 UNION ALL {0} AND tier = 1", sql);
  }
  if (stored) sql += " ORDER BY record_id, field, changed_at, history_id";
  return sql;
}

// Reads into `r` reusing its buffers (a fresh row or one streamed through again).
void read_row(const store::Statement& st, HistoryRow& r) {
  st.column_into(0, r.org_id);
  st.column_into(1, r.history_id);
  st.column_into(2, r.sobject);
  st.column_into(3, r.record_id);
  st.column_into(4, r.field);
  st.column_into(5, r.data_type);
  st.column_into(6, r.old_value);
  st.column_into(7, r.new_value);
  st.column_into(8, r.changed_by);
  r.changed_at = Timestamp::parse(st.column_view(9)).value_or(Timestamp());
  r.is_deleted = st.column_int(10) != 0;
}

// Prepares `sql` with text arguments ?1, ?2... and hands each result row to `take`.
template <class Take>
Status each_row(sqlite3* db, const std::string& sql, const std::vector<std::string>& args,
                Take&& take) {
  auto st = store::Statement::prepare(db, sql, false);
  if (!st) return st.error();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (auto s = st->bind(static_cast<int>(i + 1), args[i]); !s) return s.error();
  }
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return ok();
    take(*st);
  }
}

// Runs history_select(filter, stored) and hands each row to `take`.
template <class Take>
Status select_history(sqlite3* db, const HistoryFilter& filter, bool stored, Take&& take) {
  std::vector<std::string> args;
  std::string sql = history_select(filter, stored, args);
  return each_row(db, sql, args, std::forward<Take>(take));
}

// The SQL function a history scan filters with: its user data is the scan's `wanted`.
constexpr const char* kScanWanted = "sfrewind_scan_wanted";
using Wanted = std::function<bool(std::string_view, std::string_view)>;

std::string_view value_text(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(v)))
           : std::string_view();
}

void call_wanted(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const Wanted& wanted = *static_cast<const Wanted*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, wanted(value_text(argv[0]), value_text(argv[1])) ? 1 : 0);
}

// Rows [first, last] of `org_id` that SQL function `wanted`(record_id, field) accepts.
Status scan_rows(sqlite3* db, const char* wanted, const std::string& org_id, std::int64_t first,
                 std::int64_t last, const std::function<void(HistoryRow&)>& fn) {
  auto st = store::Statement::prepare(
      db,
      fmt::format("SELECT {} FROM history WHERE rowid BETWEEN ?1 AND ?2 AND org_id = ?3 AND "
                  "{}(record_id, field)",
                  kRowColumns, wanted),
      false);
  if (!st) return st.error();
  (void)st->bind(1, first);
  (void)st->bind(2, last);
  (void)st->bind(3, org_id);
  HistoryRow row;
  while (true) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) return ok();
    read_row(*st, row);
    fn(row);
  }
}

}  // namespace

Result<std::vector<StoredHistoryRow>> Store::history(const HistoryFilter& filter) {
  std::vector<StoredHistoryRow> out;
  auto s = select_history(impl_->db.get(), filter, true, [&](const store::Statement& st) {
    StoredHistoryRow& r = out.emplace_back();
    read_row(st, r.row);
    r.history_object = st.column_text(11);
    r.vanished = st.column_int(12) != 0;
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<HistoryRow>> Store::history_rows(const HistoryFilter& filter) {
  std::vector<HistoryRow> out;
  auto s = select_history(impl_->db.get(), filter, false,
                          [&](const store::Statement& st) { read_row(st, out.emplace_back()); });
  if (!s) return s.error();
  return out;
}

Result<std::vector<HistoryKey>> Store::history_keys(std::span<const std::string> record_ids) {
  std::vector<HistoryKey> out;
  auto s = each_history_key(record_ids, [&](const HistoryKey& k) { out.push_back(k); });
  if (!s) return s.error();
  return out;
}

Status Store::each_history_key(std::span<const std::string> record_ids,
                               const std::function<void(const HistoryKey&)>& fn) {
  if (record_ids.empty()) return ok();
  HistoryKey k;
  return each_row(
      impl_->db.get(),
      "SELECT record_id, field, changed_at, rowid FROM history INDEXED BY history_by_record "
      "WHERE record_id IN (SELECT value FROM json_each(?1)) AND tier = 0 UNION ALL "
      "SELECT record_id, field, changed_at, rowid FROM history INDEXED BY "
      "history_by_record_recent WHERE record_id IN (SELECT value FROM json_each(?1)) AND "
      "tier = 1 ORDER BY 1, 2, 3",
      {json_array(record_ids)}, [&](const store::Statement& st) {
        st.column_into(0, k.record_id);
        st.column_into(1, k.field);
        k.changed_at = Timestamp::parse(st.column_view(2)).value_or(Timestamp());
        k.row = st.column_int(3);
        fn(k);
      });
}

Result<std::vector<HistoryRow>> Store::history_rows_at(std::span<const std::int64_t> rows) {
  std::vector<HistoryRow> out;
  if (rows.empty()) return out;
  out.reserve(rows.size());
  // Handed over sorted: SQLite builds its list of them in a b-tree, where ascending keys are
  // appended rather than placed (timeline --records-file, 10,000 records: 0.32-0.34 s -> 0.30-0.31).
  std::vector<std::int64_t> sorted(rows.begin(), rows.end());
  std::sort(sorted.begin(), sorted.end());
  auto s = each_row(impl_->db.get(),
                    fmt::format("SELECT {} FROM history WHERE rowid IN (SELECT value FROM "
                                "json_each(?1))",
                                kRowColumns),
                    {fmt::format("[{}]", fmt::join(sorted, ","))},
                    [&](const store::Statement& st) { read_row(st, out.emplace_back()); });
  if (!s) return s.error();
  return out;
}

Status Store::each_history_row(const HistoryFilter& filter,
                               const std::function<void(HistoryRow&)>& fn) {
  HistoryRow row;
  return select_history(impl_->db.get(), filter, false, [&](const store::Statement& st) {
    read_row(st, row);
    fn(row);
  });
}

Result<std::int64_t> Store::last_history_row() {
  return impl_->db.integer("SELECT coalesce(max(rowid), 0) FROM history");
}

Status Store::scan_history_rows(
    const std::string& org_id, std::int64_t first, std::int64_t last,
    const std::function<bool(std::string_view, std::string_view)>& wanted,
    const std::function<void(HistoryRow&)>& fn) {
  // A range of the table itself, no index: read in the file's order. `wanted` runs inside the
  // scan as an SQL function, so that a row it turns down costs no result columns (half the
  // rows of the bench's big incident).
  sqlite3* db = impl_->db.get();
  void* data = const_cast<void*>(static_cast<const void*>(&wanted));
  if (sqlite3_create_function_v2(db, kScanWanted, 2, SQLITE_UTF8, data, call_wanted, nullptr,
                                 nullptr, nullptr) != SQLITE_OK) {
    return make_error(ErrorCode::kStorage, "cannot scan history: no filter function");
  }
  Status result = scan_rows(db, kScanWanted, org_id, first, last, fn);
  sqlite3_create_function_v2(db, kScanWanted, 2, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr,
                             nullptr);
  return result;
}

Status Store::each_user_change(const std::string& org_id, std::span<const std::string> users,
                               Timestamp from, Timestamp to,
                               const std::function<void(const UserChange&)>& fn) {
  if (users.empty()) return ok();
  std::vector<std::string> args{org_id, from.to_iso(), to.to_iso()};
  // The org only filters (unary plus), from the index's own column: SQLite seeks each user.
  std::string sql = fmt::format(
      "SELECT sobject, record_id, field, changed_at FROM history WHERE changed_by IN ({}) AND "
      "changed_at >= ?2 AND changed_at < ?3 AND +org_id = ?1",
      placeholders(args, users));
  UserChange c;
  return each_row(impl_->db.get(), sql, args, [&](const store::Statement& st) {
    st.column_into(0, c.sobject);
    st.column_into(1, c.record_id);
    st.column_into(2, c.field);
    c.changed_at = Timestamp::parse(st.column_view(3)).value_or(Timestamp());
    fn(c);
  });
}

Result<std::int64_t> Store::history_count(const std::string& org_id) {
  auto st = impl_->statement("SELECT count(*) FROM history WHERE org_id = ?1");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  return (*st)->column_int(0);
}

Result<std::int64_t> Store::mark_vanished(const std::string& org_id,
                                          const std::string& history_object, Timestamp from,
                                          Timestamp to, std::span<const std::string> present_ids) {
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  if (auto s = impl_->db.exec("CREATE TEMP TABLE IF NOT EXISTS present (id TEXT PRIMARY KEY)");
      !s) {
    return s.error();
  }
  if (auto s = impl_->db.exec("DELETE FROM temp.present"); !s) return s.error();
  auto ins = impl_->statement("INSERT OR IGNORE INTO temp.present (id) VALUES (?1)");
  if (!ins) return ins.error();
  for (const std::string& id : present_ids) {
    (*ins)->reset();
    (void)(*ins)->bind(1, id);
    if (auto s = (*ins)->exec(); !s) return s.error();
  }
  auto upd = store::Statement::prepare(
      impl_->db.get(),
      "UPDATE history SET vanished = 1 WHERE org_id = ?1 AND history_object = ?2 AND "
      "changed_at >= ?3 AND changed_at < ?4 AND vanished = 0 AND "
      "history_id NOT IN (SELECT id FROM temp.present)",
      false);
  if (!upd) return upd.error();
  (void)upd->bind(1, org_id);
  (void)upd->bind(2, history_object);
  (void)upd->bind(3, from.to_iso());
  (void)upd->bind(4, to.to_iso());
  if (auto s = upd->exec(); !s) return s.error();
  std::int64_t n = sqlite3_changes(impl_->db.get());
  if (auto s = tx->commit(); !s) return s.error();
  return n;
}

Result<SyncState> Store::sync_state(const std::string& org_id, const std::string& history_object) {
  auto st = impl_->statement(
      "SELECT watermark, rows_total FROM sync_state WHERE org_id = ?1 AND history_object = ?2");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  (void)(*st)->bind(2, history_object);
  auto row = (*st)->step();
  if (!row) return row.error();
  SyncState out;
  if (!*row) return out;
  if (auto w = (*st)->column_optional(0)) {
    if (auto t = Timestamp::parse(*w)) out.watermark = *t;
  }
  out.rows_total = (*st)->column_int(1);
  return out;
}

Status Store::save_sync_state(const std::string& org_id, const std::string& history_object,
                              const SyncState& state) {
  auto st = impl_->statement(
      "INSERT INTO sync_state (org_id, history_object, watermark, last_run, rows_total) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (org_id, history_object) DO UPDATE SET "
      "watermark = excluded.watermark, last_run = excluded.last_run, "
      "rows_total = excluded.rows_total");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  (void)(*st)->bind(2, history_object);
  if (state.watermark) {
    (void)(*st)->bind(3, state.watermark->to_iso());
  } else {
    (void)(*st)->bind_null(3);
  }
  (void)(*st)->bind(4, store_now());
  (void)(*st)->bind(5, state.rows_total);
  return (*st)->exec();
}

}  // namespace sfrewind
