// Store: snapshots of current field values.
#include <sfrewind/store/store.hpp>

#include "store/store_impl.hpp"

namespace sfrewind {
namespace {

SnapshotInfo read_info(const store::Statement& st) {
  SnapshotInfo info;
  info.snapshot_id = st.column_int(0);
  info.org_id = st.column_text(1);
  info.taken_at = Timestamp::parse(st.column_text(2)).value_or(Timestamp());
  info.objects = st.column_text(3);
  info.incremental = st.column_int(4) != 0;
  return info;
}

constexpr std::string_view kInfoColumns = "snapshot_id, org_id, taken_at, objects, incremental";

// For each (record, field) the newest value stored by snapshot ?2 or an earlier one, of org ?1;
// the caller appends the rest of the WHERE clause and the order.
constexpr std::string_view kValuesSelect =
    "SELECT v.sobject, v.record_id, v.field, v.value, v.value_kind, v.system_modstamp "
    "FROM snapshot_values v WHERE v.org_id = ?1 AND v.snapshot_id = (SELECT max(w.snapshot_id) "
    "FROM snapshot_values w WHERE w.org_id = ?1 AND w.record_id = v.record_id AND "
    "w.field = v.field AND w.snapshot_id <= ?2) AND ";

Result<std::vector<SnapshotValue>> read_values(store::Statement& st, const std::string& org_id,
                                               std::int64_t snapshot_id) {
  (void)st.bind(1, org_id);
  (void)st.bind(2, snapshot_id);
  std::vector<SnapshotValue> out;
  while (true) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(SnapshotValue{st.column_text(0), st.column_text(1), st.column_text(2),
                                st.column_optional(3), st.column_text(4), st.column_text(5)});
  }
}

}  // namespace

Result<std::int64_t> Store::begin_snapshot(const std::string& org_id, const std::string& objects,
                                           bool incremental) {
  auto st = impl_->statement(
      "INSERT INTO snapshots (org_id, taken_at, objects, incremental) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  (void)(*st)->bind(2, store_now());
  (void)(*st)->bind(3, objects);
  (void)(*st)->bind(4, std::int64_t{incremental});
  if (auto s = (*st)->exec(); !s) return s.error();
  return sqlite3_last_insert_rowid(impl_->db.get());
}

Status Store::add_snapshot_values(std::int64_t snapshot_id, const std::string& org_id,
                                  std::span<const SnapshotValue> values) {
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  for (const SnapshotValue& v : values) {
    // An upsert, not INSERT OR REPLACE: a REPLACE that can also fail a constraint (the foreign
    // key, NOT NULL) makes SQLite keep a statement journal, a copy of every page each row touches
    // (1.3M writes to a temp file and 3 s for 200,000 values, against 0.2 s).
    auto st = impl_->statement(
        "INSERT INTO snapshot_values (snapshot_id, org_id, sobject, record_id, field, value, "
        "value_kind, system_modstamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (snapshot_id, record_id, field) DO UPDATE SET org_id = excluded.org_id, "
        "sobject = excluded.sobject, value = excluded.value, value_kind = excluded.value_kind, "
        "system_modstamp = excluded.system_modstamp");
    if (!st) return st.error();
    (void)(*st)->bind(1, snapshot_id);
    (void)(*st)->bind(2, org_id);
    (void)(*st)->bind(3, v.sobject);
    (void)(*st)->bind(4, v.record_id);
    (void)(*st)->bind(5, v.field);
    (void)(*st)->bind_optional(6, v.value);
    (void)(*st)->bind(7, v.value_kind);
    (void)(*st)->bind(8, v.system_modstamp);
    if (auto s = (*st)->exec(); !s) return s;
  }
  return tx->commit();
}

Result<std::vector<SnapshotInfo>> Store::snapshots(const std::string& org_id) {
  auto st = impl_->statement(std::string("SELECT ") + std::string(kInfoColumns) +
                             " FROM snapshots WHERE org_id = ?1 ORDER BY snapshot_id");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  std::vector<SnapshotInfo> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read_info(**st));
  }
}

Result<std::optional<SnapshotInfo>> Store::latest_snapshot(const std::string& org_id) {
  auto all = snapshots(org_id);
  if (!all) return all.error();
  if (all->empty()) return std::optional<SnapshotInfo>();
  return std::optional<SnapshotInfo>(all->back());
}

Result<std::vector<SnapshotValue>> Store::snapshot_values(const std::string& org_id,
                                                          std::int64_t snapshot_id,
                                                          const std::string& sobject) {
  auto st = impl_->statement(std::string(kValuesSelect) +
                             "(?3 = '' OR v.sobject = ?3) ORDER BY v.sobject, v.record_id, v.field");
  if (!st) return st.error();
  (void)(*st)->bind(3, sobject);
  return read_values(**st, org_id, snapshot_id);
}

Result<std::vector<SnapshotValue>> Store::snapshot_values_of(
    const std::string& org_id, std::int64_t snapshot_id, std::span<const std::string> record_ids) {
  auto st = impl_->statement(std::string(kValuesSelect) +
                             "v.record_id IN (SELECT value FROM json_each(?3)) "
                             "ORDER BY v.sobject, v.record_id, v.field");
  if (!st) return st.error();
  (void)(*st)->bind(3, json_array(record_ids));
  return read_values(**st, org_id, snapshot_id);
}

Result<std::vector<std::string>> Store::snapshot_records(const std::string& org_id,
                                                         std::int64_t snapshot_id) {
  auto st = impl_->statement(
      "SELECT DISTINCT record_id FROM snapshot_values WHERE org_id = ?1 AND snapshot_id <= ?2 "
      "ORDER BY record_id");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  (void)(*st)->bind(2, snapshot_id);
  return first_column_texts(**st);
}

Result<std::optional<std::string>> Store::last_modstamp(const std::string& org_id,
                                                        const std::string& sobject) {
  auto st = impl_->statement(
      "SELECT max(system_modstamp) FROM snapshot_values WHERE org_id = ?1 AND sobject = ?2");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  (void)(*st)->bind(2, sobject);
  auto row = (*st)->step();
  if (!row) return row.error();
  return (*st)->column_optional(0);
}

}  // namespace sfrewind
