// Store: time slices of an unfinished sync run, and closing a run.
#include <sfrewind/store/store.hpp>

#include "store/store_impl.hpp"

namespace sfrewind {

Result<std::vector<SyncSlice>> Store::sync_slices(const std::string& org_id,
                                                  const std::string& history_object) {
  auto st = impl_->statement(
      "SELECT run_id, slice_from, slice_to, done FROM sync_slices WHERE org_id = ?1 AND "
      "history_object = ?2 ORDER BY slice_from");
  if (!st) return st.error();
  (void)(*st)->bind(1, org_id);
  (void)(*st)->bind(2, history_object);
  std::vector<SyncSlice> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    SyncSlice s;
    s.run_id = (*st)->column_text(0);
    s.from = Timestamp::parse((*st)->column_text(1)).value_or(Timestamp());
    if (auto to = Timestamp::parse((*st)->column_text(2))) s.to = *to;
    s.done = (*st)->column_int(3) != 0;
    out.push_back(std::move(s));
  }
}

Status Store::save_sync_slices(const std::string& org_id, const std::string& history_object,
                               std::span<const SyncSlice> slices) {
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  for (const SyncSlice& s : slices) {
    auto st = impl_->statement(
        "INSERT OR REPLACE INTO sync_slices (org_id, history_object, run_id, slice_from, "
        "slice_to, done) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return st.error();
    (void)(*st)->bind(1, org_id);
    (void)(*st)->bind(2, history_object);
    (void)(*st)->bind(3, s.run_id);
    (void)(*st)->bind(4, s.from.to_iso());
    (void)(*st)->bind(5, s.to ? s.to->to_iso() : std::string());
    (void)(*st)->bind(6, std::int64_t{s.done});
    if (auto r = (*st)->exec(); !r) return r;
  }
  return tx->commit();
}

Result<SyncState> Store::finish_sync_run(const std::string& org_id,
                                         const std::string& history_object,
                                         std::optional<Timestamp> newest, std::int64_t new_rows) {
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  auto state = sync_state(org_id, history_object);
  if (!state) return state.error();
  if (newest && (!state->watermark || *newest > *state->watermark)) state->watermark = newest;
  state->rows_total += new_rows;
  auto del = impl_->statement("DELETE FROM sync_slices WHERE org_id = ?1 AND history_object = ?2");
  if (!del) return del.error();
  (void)(*del)->bind(1, org_id);
  (void)(*del)->bind(2, history_object);
  if (auto s = (*del)->exec(); !s) return s.error();
  if (auto s = save_sync_state(org_id, history_object, *state); !s) return s.error();
  if (auto s = tx->commit(); !s) return s.error();
  return *state;
}

}  // namespace sfrewind
