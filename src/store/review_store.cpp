// Store: the small reads the review commands need (orgs, newest change, known fields), and the
// read transaction that keeps a query's reads consistent.
#include <sfrewind/store/store.hpp>

#include "store/store_impl.hpp"

namespace sfrewind {

Result<Store::ReadSnapshot> Store::read_snapshot() {
  if (!sqlite3_get_autocommit(impl_->db.get())) return ReadSnapshot(nullptr);
  // Deferred: the WAL read lock is taken at the first read and kept until COMMIT.
  if (auto s = impl_->db.exec("BEGIN"); !s) return with_context(s.error(), "begin read");
  return ReadSnapshot(impl_.get());
}

Store::ReadSnapshot::~ReadSnapshot() {
  if (impl_) (void)impl_->db.exec("COMMIT");
}

Result<std::vector<std::string>> Store::org_ids() {
  // Every write of history rows registers their org (schema v4 added those of older stores).
  auto st = impl_->statement("SELECT org_id FROM orgs ORDER BY org_id");
  if (!st) return st.error();
  return first_column_texts(**st);
}

Result<std::optional<Timestamp>> Store::newest_change(const std::string& org_id) {
  // Per editor of the org, the newest row is the last entry of the by-user index: a few seeks
  // per editor rather than a scan of every row (user ids belong to one org).
  auto st = impl_->statement(
      "WITH RECURSIVE editor(id) AS (SELECT min(changed_by) FROM history UNION ALL "
      "SELECT (SELECT min(changed_by) FROM history WHERE changed_by > editor.id) FROM editor "
      "WHERE editor.id IS NOT NULL) "
      "SELECT max((SELECT max(changed_at) FROM history WHERE changed_by = editor.id)) "
      "FROM editor WHERE editor.id IS NOT NULL AND EXISTS "
      "(SELECT 1 FROM history WHERE changed_by = editor.id AND org_id = ?1)");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row || (*st)->column_is_null(0)) return std::optional<Timestamp>();
  auto t = Timestamp::parse((*st)->column_text(0));
  if (!t) return t.error();
  return std::optional<Timestamp>(*t);
}

Result<std::vector<std::pair<std::string, std::string>>> Store::history_fields(
    const std::string& org_id) {
  auto st = impl_->statement(
      "SELECT DISTINCT sobject, field FROM history WHERE org_id = ?1 ORDER BY sobject, field");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.emplace_back((*st)->column_text(0), (*st)->column_text(1));
  }
}

}  // namespace sfrewind
