// Store: the local SQLite copy of an org's history, users, logins, snapshots, plans and journal.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/history.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind {

struct StoreOptions {
  std::string path;
  bool create = true;      // create the file (mode 0600) when missing
  bool read_only = false;  // open read-only; implies !create
};

struct OrgInfo {
  std::string org_id;
  std::string instance_url;
};

struct UserRecord {
  std::string org_id;
  std::string user_id;
  std::string username;
  std::string name;
  std::string profile;
  std::string license;
  bool is_active = true;
  bool api_only = false;
  bool is_integration = false;
};

struct LoginRecord {
  std::string org_id;
  std::string login_id;
  std::string user_id;
  Timestamp login_time;
  std::string source_ip;
  std::string login_type;
  std::string application;
  std::string status;
};

// What one insert_history call did.
struct InsertStats {
  std::int64_t inserted = 0;  // rows new to the store
  std::int64_t seen = 0;      // rows already stored (deduplicated on org and history id)
};

// How load_history writes: straight into `history` (a first full load, secondary indexes
// dropped until merge_history builds them) or into the stage merge_history folds in (each page
// one row, its rows packed).
enum class LoadMode { kDirect, kStaged };

struct SyncSlice;

// One page of history rows for load_history.
struct HistoryBatch {
  std::string_view org_id;
  std::string_view history_object;
  std::span<const HistoryRow> rows;
  const SyncSlice* finished_slice = nullptr;  // marked done in the same transaction
};

// Which history rows a read returns. Empty members do not filter.
struct HistoryFilter {
  std::string org_id;
  std::vector<std::string> users;  // user ids
  std::string sobject;
  std::string field;
  std::string record_id;
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  std::vector<std::string> record_ids;  // any of these (18-character ids); empty: no filter
  std::string data_type;                // only rows of this history DataType; empty: any
  // any of these (record id, field) pairs, through the record index; empty: no filter
  std::vector<std::pair<std::string, std::string>> record_fields;
  bool with_value = false;  // only rows with an old or a new value (none kept for long text)
};

// A stored history row plus what the store knows about it.
struct StoredHistoryRow {
  HistoryRow row;
  std::string history_object;
  bool vanished = false;
};

// Sync progress of one history object.
struct SyncState {
  std::optional<Timestamp> watermark;  // max CreatedDate stored
  std::int64_t rows_total = 0;
};

// One time slice of an unfinished sync run of a history object.
struct SyncSlice {
  std::string run_id;
  Timestamp from;                 // inclusive
  std::optional<Timestamp> to;    // exclusive; nullopt = open-ended
  bool done = false;
};

// One stored current value of a watched field.
struct SnapshotValue {
  std::string sobject;
  std::string record_id;
  std::string field;
  std::optional<std::string> value;  // text as the API sent it; nullopt for null
  std::string value_kind;            // "boolean", "number", "string", "null"
  std::string system_modstamp;       // the record's SystemModstamp (store form)
};

struct SnapshotInfo {
  std::int64_t snapshot_id = 0;
  std::string org_id;
  Timestamp taken_at;
  std::string objects;  // comma-separated
  bool incremental = false;
};

// A rollback plan as the store keeps it: the plan file's JSON and its hash.
struct StoredPlan {
  std::string plan_id;
  std::string org_id;
  Timestamp created_at;
  std::string users;  // comma-separated user ids
  Timestamp window_from;
  Timestamp window_to;
  std::string content_hash;
  std::string plan_json;
};

struct PlanItemRow {
  std::string sobject;
  std::string record_id;
  std::string field;
  std::string status;
  std::optional<std::string> restore_to;
  std::optional<std::string> attacker_value;
  std::string reason;
};

// A plan item to store, pointing into the caller's strings, which outlive save_plan: a plan's
// items need not be copied to be stored (90,000 items are 600,000 strings).
struct PlanItemRef {
  std::string_view sobject;
  std::string_view record_id;
  std::string_view field;
  std::string_view status;
  std::optional<std::string_view> restore_to;
  std::optional<std::string_view> attacker_value;
  std::string_view reason;
};

// One journal entry to append: an intent before a call, or an outcome after it.
struct JournalEntry {
  std::string plan_id;
  std::int64_t batch_no = 0;
  std::string kind;  // "intent" | "outcome" | "drifted" | ...
  std::string record_id;
  std::string field;
  std::string outcome;
  std::string detail;
};

// A journal entry as stored, with its place in the hash chain.
struct JournalRow {
  std::int64_t seq = 0;
  JournalEntry entry;
  std::string created_at;
  std::string prev_hash;
  std::string hash;
};

// The store. Open with Store::open; movable, not copyable.
// Thread-safety: one Store per thread; open a second Store on the same file for another thread.
class Store {
 public:
  // Creates (mode 0600) or opens and migrates the SQLite file at options.path: WAL, foreign keys,
  // PRAGMA user_version migrations. Returns kInvalidArgument when the file is missing and
  // creation was not allowed, or is not a sfrewind store; kStorage on SQLite failures.
  static Result<Store> open(const StoreOptions& options);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Warnings found while opening (e.g. the file is readable by others).
  const std::vector<std::string>& warnings() const;
  // The file's schema: this build's after a read-write open (it migrates), possibly an older
  // one still readable after a read-only open (which writes nothing).
  int schema_version() const;
  const std::string& path() const;

  // Orgs and users.
  Status upsert_org(const OrgInfo& org);
  Status upsert_users(std::span<const UserRecord> users);
  Result<std::vector<UserRecord>> users(const std::string& org_id);
  // Finds a user by 18/15-char id or username; nullopt when unknown.
  Result<std::optional<UserRecord>> find_user(const std::string& org_id, const std::string& key);

  // Ids of users who changed history rows but are not in the users table.
  Result<std::vector<std::string>> unknown_editors(const std::string& org_id);

  // Logins.
  Status upsert_logins(std::span<const LoginRecord> logins);
  Result<std::vector<LoginRecord>> logins(const std::string& org_id, const std::string& user_id,
                                          std::optional<Timestamp> since);

  // History: inserts rows of one history object in one transaction, deduplicated on
  // (org_id, history_id); a row seen again with another is_deleted is updated.
  Result<InsertStats> insert_history(const std::string& history_object,
                                     std::span<const HistoryRow> rows);
  // Sync's write path. begin_history_load merges leftovers of a killed run and picks the mode:
  // kDirect when `history` is empty (the file is then written in rollback-journal mode until
  // merge_history: appended pages go to the file once instead of to the WAL and again to the
  // file). load_history writes pages (and their slice marks) in one transaction, so a slice is
  // marked done only with its rows; it returns one InsertStats per batch. In kDirect mode no
  // index exists yet, the history id's included: a row given twice counts as inserted twice
  // and merge_history keeps its last copy (sync drops the rows a restarted query repeats
  // before they get here); in kStaged mode such a row counts twice too and the first copy
  // stays. merge_history folds
  // staged rows into `history` in record order and builds missing indexes, in one transaction;
  // it returns the rows merged. Merged rows join the recent tier (`tier` = 1, its own record
  // index), folded into the base tier by a second transaction once it holds a quarter as many
  // rows as the base. Store::open (read-write) merges leftovers too.
  Result<LoadMode> begin_history_load();
  Result<InsertStats> load_history(LoadMode mode, const HistoryBatch& batch);
  Result<std::vector<InsertStats>> load_history(LoadMode mode,
                                                std::span<const HistoryBatch> batches);
  Result<std::int64_t> merge_history();
  Result<std::int64_t> staged_history_count();
  // The rows `filter` selects, sorted by (record_id, field, changed_at, history_id).
  Result<std::vector<StoredHistoryRow>> history(const HistoryFilter& filter);
  // The rows `filter` selects without the store's own columns, in no set order: for callers
  // that sort anyway (timelines, plans), as ordering here costs SQLite a temporary B-tree.
  Result<std::vector<HistoryRow>> history_rows(const HistoryFilter& filter);
  // The keys of every stored row of `record_ids` (any org), sorted by (record_id, field,
  // changed_at), read from the record index alone (no row is read).
  Result<std::vector<HistoryKey>> history_keys(std::span<const std::string> record_ids);
  // The same keys handed to `fn` one at a time through one reused HistoryKey.
  Status each_history_key(std::span<const std::string> record_ids,
                          const std::function<void(const HistoryKey&)>& fn);
  // The rows of these handles (HistoryKey::row), in no set order; the file is read in row order
  // whatever the handles' order, so callers need not sort them.
  Result<std::vector<HistoryRow>> history_rows_at(std::span<const std::int64_t> rows);
  // The rows `filter` selects handed to `fn` one at a time through one reused HistoryRow (valid
  // only during the call), so a whole-store pass keeps no copy of the rows and allocates almost
  // nothing. `fn` may take the row's contents (swap them out): the next row is read over
  // whatever it leaves there.
  Status each_history_row(const HistoryFilter& filter,
                          const std::function<void(HistoryRow&)>& fn);
  // The highest number (rowid) of a stored history row, 0 for none: rows are numbered from 1 in
  // the order they were stored.
  Result<std::int64_t> last_history_row();
  // The rows of org `org_id` numbered `first` to `last` that `wanted` (given a row's record id
  // and field) accepts, handed to `fn` as each_history_row does, in number order. One pass over
  // that part of the file, no index read: for a read that wants a large share of the rows (a
  // big incident's plan), cheaper than seeking them by key. Disjoint ranges may be read at once
  // through separate connections.
  Status scan_history_rows(const std::string& org_id, std::int64_t first, std::int64_t last,
                           const std::function<bool(std::string_view, std::string_view)>& wanted,
                           const std::function<void(HistoryRow&)>& fn);
  // The changes `users` (user ids) made in org `org_id` in [from, to), handed to `fn` one at a
  // time through one reused UserChange, in no set order. From a store of schema 7 or later they
  // are read from the user index alone, no row read; from an older read-only one, through it.
  Status each_user_change(const std::string& org_id, std::span<const std::string> users,
                          Timestamp from, Timestamp to,
                          const std::function<void(const UserChange&)>& fn);
  // Maps the file for reads: big reads that jump about the file, such as plan's, stop copying
  // every page, at the cost of resident memory for what they read and a page fault for each
  // 4 KiB first touched. Reads in row or index order are faster without (the default).
  Status map_for_reads();
  // After map_for_reads, for `reads` rows about to be read by key (at random places): when they
  // are at least as many as the file has pages, most pages would be touched anyway, each first
  // touch a page fault (~20 us on a VM), so the whole map is filled in now, one call per 256 MiB
  // (Linux's MADV_POPULATE_READ; it also reads into the page cache what is not there), if the
  // file is at most a quarter of the machine's memory. Best effort: does nothing without the
  // map, on other systems, or where the kernel refuses.
  void populate_map(std::size_t reads);
  Result<std::int64_t> history_count(const std::string& org_id);
  // Marks stored rows of `history_object` in [from, to) that are not in `present_ids` as vanished.
  Result<std::int64_t> mark_vanished(const std::string& org_id, const std::string& history_object,
                                     Timestamp from, Timestamp to,
                                     std::span<const std::string> present_ids);

  // Sync state per history object.
  Result<SyncState> sync_state(const std::string& org_id, const std::string& history_object);
  Status save_sync_state(const std::string& org_id, const std::string& history_object,
                         const SyncState& state);

  // Slices of the unfinished run of a history object (empty when none is open).
  Result<std::vector<SyncSlice>> sync_slices(const std::string& org_id,
                                             const std::string& history_object);
  Status save_sync_slices(const std::string& org_id, const std::string& history_object,
                          std::span<const SyncSlice> slices);
  // Closes the run: drops its slices, moves the watermark up to `newest` (the newest CreatedDate
  // the run stored or saw) and adds `new_rows` to rows_total, in one transaction.
  Result<SyncState> finish_sync_run(const std::string& org_id, const std::string& history_object,
                                    std::optional<Timestamp> newest, std::int64_t new_rows);

  // Snapshots: begin one, add values in batches, read the latest value per (record, field).
  Result<std::int64_t> begin_snapshot(const std::string& org_id, const std::string& objects,
                                      bool incremental);
  Status add_snapshot_values(std::int64_t snapshot_id, const std::string& org_id,
                             std::span<const SnapshotValue> values);
  // The newest snapshot, or nullopt.
  Result<std::optional<SnapshotInfo>> latest_snapshot(const std::string& org_id);
  Result<std::vector<SnapshotInfo>> snapshots(const std::string& org_id);
  // Values as of snapshot `snapshot_id`: for each (record, field) the newest value stored by that
  // snapshot or an earlier one (snapshots after the first are incremental). Optionally one object.
  Result<std::vector<SnapshotValue>> snapshot_values(const std::string& org_id,
                                                     std::int64_t snapshot_id,
                                                     const std::string& sobject = {});
  // The same for the records `record_ids` only, through the record index: a timeline of a few
  // records need not read every value of their objects.
  Result<std::vector<SnapshotValue>> snapshot_values_of(const std::string& org_id,
                                                        std::int64_t snapshot_id,
                                                        std::span<const std::string> record_ids);
  // The records with a value as of snapshot `snapshot_id`, sorted, from the record index alone.
  Result<std::vector<std::string>> snapshot_records(const std::string& org_id,
                                                    std::int64_t snapshot_id);
  // The newest SystemModstamp stored for an object, or nullopt.
  Result<std::optional<std::string>> last_modstamp(const std::string& org_id,
                                                   const std::string& sobject);

  // Review reads (src/store/review_store.cpp).
  // Ids of the orgs the store holds, sorted.
  Result<std::vector<std::string>> org_ids();
  // The newest changed_at of any stored history row of the org, or nullopt when none.
  Result<std::optional<Timestamp>> newest_change(const std::string& org_id);
  // Distinct (sobject, field) pairs of the org's stored history rows (fields and events), sorted.
  Result<std::vector<std::pair<std::string, std::string>>> history_fields(const std::string& org_id);

  // Plans: saving the same plan id twice with another hash is kConflict.
  Status save_plan(const StoredPlan& plan, std::span<const PlanItemRow> items);
  Status save_plan(const StoredPlan& plan, std::span<const PlanItemRef> items);
  Result<std::optional<StoredPlan>> load_plan(const std::string& plan_id);
  Result<std::vector<PlanItemRow>> plan_items(const std::string& plan_id);

  // Journal: appends entries in one transaction, each chained to the previous hash.
  Status append_journal(std::span<const JournalEntry> entries);
  Result<std::vector<JournalRow>> journal(const std::string& plan_id);
  // Walks the whole chain; returns the seq of the first broken row, or 0 when intact.
  Result<std::int64_t> verify_journal();

  // For code in src/store only.
  struct Impl;
  Impl& impl() { return *impl_; }

  // One read transaction, held until the object is destroyed: the reads in between all see the
  // store as of the first of them, even while another process commits a sync, and each takes
  // no shared lock of its own. Nothing is begun (or ended) when this store is already in a
  // transaction. No writes through the store while it lives. (src/store/review_store.cpp)
  class ReadSnapshot {
   public:
    ReadSnapshot(ReadSnapshot&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;
    ~ReadSnapshot();

   private:
    friend class Store;
    explicit ReadSnapshot(Impl* impl) : impl_(impl) {}
    Impl* impl_;
  };
  Result<ReadSnapshot> read_snapshot();

 private:
  Status settle_history(bool read_only);
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// For an executable's main, before any store is opened. SQLite's page cache then allocates pages
// as they are needed, not room for 20 (16 KiB each) at each connection's first read, whose
// headers it writes at once: 20 page faults (~10 us each on a VM) that a store read through the
// map never uses. And SQLite keeps no count of its memory use (sqlite3_memory_used() reads 0),
// for which each of its allocations took a process-wide mutex: about 4% of a first sync's
// writer thread. Process-wide, so the program's choice; stores work the same without it, and it
// does nothing once SQLite has started.
void tune_sqlite_for_executable();

}  // namespace sfrewind
