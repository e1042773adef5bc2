// Store: the local SQLite copy of an org's history, users, logins, snapshots, plans and journal.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
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

// Which history rows a read returns. Empty members do not filter.
struct HistoryFilter {
  std::string org_id;
  std::vector<std::string> users;  // user ids
  std::string sobject;
  std::string field;
  std::string record_id;
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
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
  int schema_version() const;
  const std::string& path() const;

  // Orgs and users.
  Status upsert_org(const OrgInfo& org);
  Status upsert_users(std::span<const UserRecord> users);
  Result<std::vector<UserRecord>> users(const std::string& org_id);
  // Finds a user by 18/15-char id or username; nullopt when unknown.
  Result<std::optional<UserRecord>> find_user(const std::string& org_id, const std::string& key);

  // Logins.
  Status upsert_logins(std::span<const LoginRecord> logins);
  Result<std::vector<LoginRecord>> logins(const std::string& org_id, const std::string& user_id,
                                          std::optional<Timestamp> since);

  // History: inserts rows of one history object in one transaction, deduplicated on
  // (org_id, history_id); a row seen again with another is_deleted is updated.
  Result<InsertStats> insert_history(const std::string& history_object,
                                     std::span<const HistoryRow> rows);
  Result<std::vector<StoredHistoryRow>> history(const HistoryFilter& filter);
  Result<std::int64_t> history_count(const std::string& org_id);
  // Marks stored rows of `history_object` in [from, to) that are not in `present_ids` as vanished.
  Result<std::int64_t> mark_vanished(const std::string& org_id, const std::string& history_object,
                                     Timestamp from, Timestamp to,
                                     std::span<const std::string> present_ids);

  // Sync state per history object.
  Result<SyncState> sync_state(const std::string& org_id, const std::string& history_object);
  Status save_sync_state(const std::string& org_id, const std::string& history_object,
                         const SyncState& state);

  // For code in src/store only.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfrewind
