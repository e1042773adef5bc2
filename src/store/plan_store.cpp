// Store: rollback plans and the append-only, hash-chained journal.
#include <array>
#include <future>
#include <optional>

#include <fmt/format.h>

#include <sfrewind/store/store.hpp>

#include "core/crypto.hpp"
#include "core/sha256.hpp"
#include "store/deflate.hpp"
#include "store/store_impl.hpp"

namespace sfrewind {
namespace {

// SHA-256 gave nothing: libcrypto could not be loaded (or could not allocate).
Error hash_failed() {
  auto loaded = load_crypto();
  return make_error(ErrorCode::kInternal,
                    "cannot compute the journal's SHA-256: " +
                        (loaded ? std::string("OpenSSL failed") : loaded.error().message));
}

// The text a journal row's hash covers: every column but the hash, and the previous hash.
std::string chain_text(std::int64_t seq, const JournalEntry& e, const std::string& created_at,
                       const std::string& prev_hash) {
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", prev_hash, seq,
                     e.plan_id, e.batch_no, e.kind, e.record_id, e.field, e.outcome, e.detail,
                     created_at);
}

Result<std::pair<std::int64_t, std::string>> chain_tail(Store::Impl& impl) {
  auto st = impl.statement("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::pair<std::int64_t, std::string>{0, ""};
  return std::pair<std::int64_t, std::string>{(*st)->column_int(0), (*st)->column_text(1)};
}

JournalRow read_journal_row(const store::Statement& st) {
  JournalRow r;
  r.seq = st.column_int(0);
  r.entry = JournalEntry{st.column_text(1), st.column_int(2), st.column_text(3),
                         st.column_text(4), st.column_text(5), st.column_text(6),
                         st.column_text(7)};
  r.created_at = st.column_text(8);
  r.prev_hash = st.column_text(9);
  r.hash = st.column_text(10);
  return r;
}

constexpr std::string_view kJournalColumns =
    "seq, plan_id, batch_no, kind, record_id, field, outcome, detail, created_at, prev_hash, hash";

// One statement for every item, its texts bound in place: 87,000 items are 600,000 texts, bound
// with one Status per item.
Status insert_items(Store::Impl& impl, const std::string& plan_id,
                    std::span<const PlanItemRef> items) {
  auto st = impl.statement(
      "INSERT INTO plan_items (plan_id, item_no, sobject, record_id, field, status, restore_to, "
      "attacker_value, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st) return st.error();
  store::Statement& insert = **st;
  using Text = std::optional<std::string_view>;
  const std::array<Text, 1> id = {plan_id};
  std::int64_t n = 0;
  for (const PlanItemRef& it : items) {
    insert.rewind();  // every parameter is bound anew
    const std::array<Text, 7> texts = {it.sobject, it.record_id,      it.field,    it.status,
                                       it.restore_to, it.attacker_value, it.reason};
    if (auto s = insert.bind_static_from(1, id); !s) return s;
    if (auto s = insert.bind(2, n++); !s) return s;
    if (auto s = insert.bind_static_from(3, texts); !s) return s;
    if (auto done = insert.exec(); !done) return done;
  }
  insert.reset();  // no binding outlives the items
  return ok();
}

}  // namespace

Status Store::save_plan(const StoredPlan& plan, std::span<const PlanItemRow> items) {
  std::vector<PlanItemRef> refs;
  refs.reserve(items.size());
  for (const PlanItemRow& it : items) {
    refs.push_back(PlanItemRef{it.sobject, it.record_id, it.field, it.status, it.restore_to,
                               it.attacker_value, it.reason});
  }
  return save_plan(plan, refs);
}

Status Store::save_plan(const StoredPlan& plan, std::span<const PlanItemRef> items) {
  // Only the stored hash is read: a plan's text runs to tens of megabytes.
  auto existing = impl_->statement("SELECT content_hash FROM plans WHERE plan_id = ?1");
  if (!existing) return existing.error();
  (void)(*existing)->bind(1, plan.plan_id);
  auto found = (*existing)->step();
  if (!found) return found.error();
  if (*found) {
    bool same = (*existing)->column_text(0) == plan.content_hash;
    (*existing)->reset();
    if (same) return ok();
    return make_error(ErrorCode::kConflict,
                      fmt::format("plan {} is already stored with other contents", plan.plan_id));
  }
  (*existing)->reset();
  // The text is deflated on another thread while the items are written.
  auto deflated =
      std::async(std::launch::async, [&plan] { return store::deflate_text(plan.plan_json); });
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  auto st = impl_->statement(
      "INSERT INTO plans (plan_id, org_id, created_at, users, window_from, window_to, "
      "content_hash, plan_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '')");
  if (!st) return st.error();
  (void)(*st)->bind(1, plan.plan_id);
  (void)(*st)->bind(2, plan.org_id);
  (void)(*st)->bind(3, plan.created_at.to_iso());
  (void)(*st)->bind(4, plan.users);
  (void)(*st)->bind(5, plan.window_from.to_iso());
  (void)(*st)->bind(6, plan.window_to.to_iso());
  (void)(*st)->bind(7, plan.content_hash);
  if (auto s = (*st)->exec(); !s) return s;
  if (auto s = insert_items(*impl_, plan.plan_id, items); !s) return s;
  const std::string text = deflated.get();
  if (text.empty()) return make_error(ErrorCode::kStorage, "cannot deflate the plan's text");
  auto set = impl_->statement("UPDATE plans SET plan_deflate = ?2 WHERE plan_id = ?1");
  if (!set) return set.error();
  (void)(*set)->bind(1, plan.plan_id);
  (void)(*set)->bind_blob_static(2, text);
  if (auto s = (*set)->exec(); !s) return s;
  (*set)->reset();
  return tx->commit();
}

Result<std::optional<StoredPlan>> Store::load_plan(const std::string& plan_id) {
  auto st = impl_->statement(
      "SELECT plan_id, org_id, created_at, users, window_from, window_to, content_hash, "
      "plan_json, plan_deflate FROM plans WHERE plan_id = ?1");
  if (!st) return st.error();
  (void)(*st)->bind(1, plan_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredPlan>();
  StoredPlan p;
  p.plan_id = (*st)->column_text(0);
  p.org_id = (*st)->column_text(1);
  p.created_at = Timestamp::parse((*st)->column_text(2)).value_or(Timestamp());
  p.users = (*st)->column_text(3);
  p.window_from = Timestamp::parse((*st)->column_text(4)).value_or(Timestamp());
  p.window_to = Timestamp::parse((*st)->column_text(5)).value_or(Timestamp());
  p.content_hash = (*st)->column_text(6);
  if ((*st)->column_is_null(8)) {
    p.plan_json = (*st)->column_text(7);  // stored before v3
  } else if (auto text = store::inflate_text((*st)->column_blob(8))) {
    p.plan_json = std::move(*text);
  } else {
    return make_error(ErrorCode::kStorage, fmt::format("plan {}'s stored text is damaged", plan_id));
  }
  return std::optional<StoredPlan>(std::move(p));
}

Result<std::vector<PlanItemRow>> Store::plan_items(const std::string& plan_id) {
  auto st = impl_->statement(
      "SELECT sobject, record_id, field, status, restore_to, attacker_value, reason "
      "FROM plan_items WHERE plan_id = ?1 ORDER BY item_no");
  if (!st) return st.error();
  (void)(*st)->bind(1, plan_id);
  std::vector<PlanItemRow> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(PlanItemRow{(*st)->column_text(0), (*st)->column_text(1), (*st)->column_text(2),
                              (*st)->column_text(3), (*st)->column_optional(4),
                              (*st)->column_optional(5), (*st)->column_text(6)});
  }
}

Status Store::append_journal(std::span<const JournalEntry> entries) {
  auto tx = store::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  auto tail = chain_tail(*impl_);
  if (!tail) return tail.error();
  auto [seq, prev] = *tail;
  const std::string now = store_now();
  for (const JournalEntry& e : entries) {
    ++seq;
    std::string hash = sha256_hex(chain_text(seq, e, now, prev));
    if (hash.empty()) return hash_failed();
    auto st = impl_->statement(
        "INSERT INTO journal (seq, plan_id, batch_no, kind, record_id, field, outcome, detail, "
        "created_at, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!st) return st.error();
    (void)(*st)->bind(1, seq);
    (void)(*st)->bind(2, e.plan_id);
    (void)(*st)->bind(3, e.batch_no);
    (void)(*st)->bind(4, e.kind);
    (void)(*st)->bind(5, e.record_id);
    (void)(*st)->bind(6, e.field);
    (void)(*st)->bind(7, e.outcome);
    (void)(*st)->bind(8, e.detail);
    (void)(*st)->bind(9, now);
    (void)(*st)->bind(10, prev);
    (void)(*st)->bind(11, hash);
    if (auto s = (*st)->exec(); !s) return s;
    prev = std::move(hash);
  }
  return tx->commit();
}

Result<std::vector<JournalRow>> Store::journal(const std::string& plan_id) {
  auto st = impl_->statement(std::string("SELECT ") + std::string(kJournalColumns) +
                             " FROM journal WHERE plan_id = ?1 ORDER BY seq");
  if (!st) return st.error();
  (void)(*st)->bind(1, plan_id);
  std::vector<JournalRow> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read_journal_row(**st));
  }
}

Result<std::int64_t> Store::verify_journal() {
  auto st = store::Statement::prepare(
      impl_->db.get(), std::string("SELECT ") + std::string(kJournalColumns) +
                           " FROM journal ORDER BY seq", false);
  if (!st) return st.error();
  std::string prev;
  std::int64_t expected_seq = 0;
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::int64_t{0};
    JournalRow r = read_journal_row(*st);
    ++expected_seq;
    const std::string hash = sha256_hex(chain_text(r.seq, r.entry, r.created_at, prev));
    if (hash.empty()) return hash_failed();  // not a broken chain: nothing could be checked
    if (r.seq != expected_seq || r.prev_hash != prev || r.hash != hash) return r.seq;
    prev = r.hash;
  }
}

}  // namespace sfrewind
