// HistorySync: tracked-field discovery, users, logins and incremental, parallel history sync.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/auth/token_provider.hpp>
#include <sfrewind/error.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::sync {

// One history-tracked field and whether history alone can restore it.
struct TrackedField {
  std::string name;
  std::string type;  // describe type
  std::int64_t length = 0;
  bool updateable = false;
  bool restorable = true;
  std::string reason;  // why not restorable ("long text", "multi-select picklist", ...)
};

// One object with Field History Tracking on, and its history object.
struct TrackedObject {
  api::HistoryObject object;
  std::vector<TrackedField> fields;
};

// Finds the objects with tracked fields (FieldDefinition.IsFieldHistoryTracked) among
// `objects` (empty = every queryable object that has a history object) and describes their
// fields. Errors: as RestClient; kInvalidArgument for an unknown object or a bad name.
Result<std::vector<TrackedObject>> discover(api::RestClient& client,
                                            const std::vector<std::string>& objects);

// Why a field of this describe shape cannot be restored from history ("" when it can).
std::string unrestorable_reason(const api::FieldDescribe& field);

// Users: queries User with profile and licence and marks integration users (licence
// "Salesforce Integration" or API Only). `ids` empty = every user. Stores them.
Result<std::vector<UserRecord>> sync_users(api::RestClient& client, Store& store,
                                           const std::string& org_id,
                                           const std::vector<std::string>& ids = {});

// LoginHistory rows of one user since `since`; stored, then returned.
Result<std::vector<LoginRecord>> sync_logins(api::RestClient& client, Store& store,
                                             const std::string& org_id, const std::string& user_id,
                                             std::optional<Timestamp> since);

// What a field filter selects: object -> fields (empty = all tracked fields of the object).
struct FieldSelection {
  std::string sobject;
  std::vector<std::string> fields;
};

struct SyncProgress {
  std::string history_object;
  std::int64_t rows = 0;         // rows received so far in this run, all objects
  std::int64_t slices_done = 0;
  std::int64_t slices_total = 0;
};

struct SyncOptions {
  std::vector<FieldSelection> selection;  // empty = every object with tracked fields
  std::optional<Timestamp> since;         // lower bound of a first sync (default: all history)
  int jobs = 4;                           // parallel time slices (1-10: open-cursor limit)
  int batch_size = 2000;                  // Sforce-Query-Options batchSize
  int overlap_s = 300;                    // re-read this much before the watermark
  api::RestOptions rest;
  std::function<void(const SyncProgress&)> progress;  // called from the calling thread
};

struct ObjectSyncSummary {
  std::string history_object;
  std::int64_t new_rows = 0;
  std::int64_t seen_rows = 0;
};

struct SyncSummary {
  std::string org_id;
  std::vector<ObjectSyncSummary> objects;
  std::int64_t api_calls = 0;
  std::int64_t users_synced = 0;
  std::int64_t new_rows() const;
  std::int64_t seen_rows() const;
};

// Pulls the history rows of the selected fields (and the event rows of their objects) from
// every editor into the store, with queryAll so deleted records' history comes too.
// Incremental: per history object from its watermark minus the overlap; the window is split in
// time slices fetched over `jobs` connections, each slice recorded in the store when done, so a
// run killed anywhere is completed by the next one with no gap and no duplicate.
// Memory stays bounded: pages stream through a small queue to the one writer.
// Errors: kRateLimited when the API limit or budget stops it (rows so far are kept),
// kInvalidArgument for bad selections, others as RestClient / Store.
Result<SyncSummary> sync_history(std::shared_ptr<auth::TokenProvider> tokens, Store& store,
                                 const SyncOptions& options);

}  // namespace sfrewind::sync
