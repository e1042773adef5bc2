// Store schema and forward-only migrations. The public, stable part is the `history` table
// (DESIGN.md store contract); every other table is the code's own.
#include "store/schema.hpp"

#include <array>

#include <fmt/format.h>

namespace sfrewind::store {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE orgs (
  org_id        TEXT PRIMARY KEY,
  instance_url  TEXT NOT NULL DEFAULT '',
  first_seen    TEXT NOT NULL,
  last_seen     TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  org_id         TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  username       TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL DEFAULT '',
  profile        TEXT NOT NULL DEFAULT '',
  license        TEXT NOT NULL DEFAULT '',
  is_active      INTEGER NOT NULL DEFAULT 1,
  api_only       INTEGER NOT NULL DEFAULT 0,
  is_integration INTEGER NOT NULL DEFAULT 0,
  synced_at      TEXT NOT NULL,
  PRIMARY KEY (org_id, user_id)
) STRICT;
CREATE INDEX users_by_username ON users (org_id, username);

-- Public and stable: one row per history row of the org (DESIGN.md store contract).
CREATE TABLE history (
  org_id          TEXT NOT NULL,
  history_id      TEXT NOT NULL,
  sobject         TEXT NOT NULL,
  record_id       TEXT NOT NULL,
  field           TEXT NOT NULL,
  data_type       TEXT,
  old_value       TEXT,
  new_value       TEXT,
  changed_by      TEXT NOT NULL,
  changed_at      TEXT NOT NULL,
  is_deleted      INTEGER NOT NULL DEFAULT 0,
  history_object  TEXT NOT NULL,
  vanished        INTEGER NOT NULL DEFAULT 0,
  first_seen      TEXT NOT NULL,
  UNIQUE (org_id, history_id)
) STRICT;
CREATE INDEX history_by_record ON history (org_id, record_id, field, changed_at);
CREATE INDEX history_by_user ON history (org_id, changed_by, changed_at);
CREATE INDEX history_by_object ON history (org_id, history_object, changed_at);

-- Per history object: where incremental sync stands, and slices of an unfinished run.
CREATE TABLE sync_state (
  org_id          TEXT NOT NULL,
  history_object  TEXT NOT NULL,
  watermark       TEXT,
  last_run        TEXT,
  rows_total      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, history_object)
) STRICT;
CREATE TABLE sync_slices (
  org_id          TEXT NOT NULL,
  history_object  TEXT NOT NULL,
  run_id          TEXT NOT NULL,
  slice_from      TEXT NOT NULL,
  slice_to        TEXT NOT NULL,
  done            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, history_object, run_id, slice_from)
) STRICT;

CREATE TABLE logins (
  org_id       TEXT NOT NULL,
  login_id     TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  login_time   TEXT NOT NULL,
  source_ip    TEXT NOT NULL DEFAULT '',
  login_type   TEXT NOT NULL DEFAULT '',
  application  TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, login_id)
) STRICT;
CREATE INDEX logins_by_user ON logins (org_id, user_id, login_time);

CREATE TABLE snapshots (
  snapshot_id  INTEGER PRIMARY KEY,
  org_id       TEXT NOT NULL,
  taken_at     TEXT NOT NULL,
  objects      TEXT NOT NULL,
  incremental  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE snapshot_values (
  snapshot_id      INTEGER NOT NULL REFERENCES snapshots (snapshot_id),
  org_id           TEXT NOT NULL,
  sobject          TEXT NOT NULL,
  record_id        TEXT NOT NULL,
  field            TEXT NOT NULL,
  value            TEXT,
  value_kind       TEXT NOT NULL DEFAULT '',
  system_modstamp  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (snapshot_id, record_id, field)
) STRICT;
CREATE INDEX snapshot_values_by_record ON snapshot_values (org_id, record_id, field, snapshot_id);

CREATE TABLE plans (
  plan_id       TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  users         TEXT NOT NULL,
  window_from   TEXT NOT NULL,
  window_to     TEXT NOT NULL,
  content_hash  TEXT NOT NULL,
  plan_json     TEXT NOT NULL
) STRICT;
CREATE TABLE plan_items (
  plan_id         TEXT NOT NULL REFERENCES plans (plan_id),
  item_no         INTEGER NOT NULL,
  sobject         TEXT NOT NULL,
  record_id       TEXT NOT NULL,
  field           TEXT NOT NULL,
  status          TEXT NOT NULL,
  restore_to      TEXT,
  attacker_value  TEXT,
  reason          TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plan_id, item_no)
) STRICT;

-- Append-only, hash-chained rollback journal: intent before each call, outcome after it.
CREATE TABLE journal (
  seq         INTEGER PRIMARY KEY,
  plan_id     TEXT NOT NULL,
  batch_no    INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  record_id   TEXT NOT NULL DEFAULT '',
  field       TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
) STRICT;
CREATE INDEX journal_by_plan ON journal (plan_id, batch_no, kind);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
  BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
)sql";

// v2: sync writes through a staging table merged in record order (no random index writes per
// page). The by-object index is gone (nothing reads by it; the watermark comes from the run) and
// the others lose the leading org_id: shorter keys halve the index build after a first load.
constexpr const char* kSchemaV2 = R"sql(
DROP INDEX history_by_object;
DROP INDEX history_by_record;
DROP INDEX history_by_user;
CREATE INDEX history_by_record ON history (record_id, field, changed_at);
CREATE INDEX history_by_user ON history (changed_by, changed_at);
CREATE TABLE history_stage (
  org_id          TEXT NOT NULL,
  history_id      TEXT NOT NULL,
  sobject         TEXT NOT NULL,
  record_id       TEXT NOT NULL,
  field           TEXT NOT NULL,
  data_type       TEXT,
  old_value       TEXT,
  new_value       TEXT,
  changed_by      TEXT NOT NULL,
  changed_at      TEXT NOT NULL,
  is_deleted      INTEGER NOT NULL DEFAULT 0,
  history_object  TEXT NOT NULL,
  first_seen      TEXT NOT NULL,
  PRIMARY KEY (org_id, history_id)
) STRICT, WITHOUT ROWID;
)sql";

// v3: a plan's text is kept deflated (about a twelfth of its size): a 100,000-item plan is
// 70 MB of JSON, which cost more to write through the WAL than to plan. plan_json stays for
// plans stored before; a plan stored since has plan_json '' and its text in plan_deflate.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE plans ADD COLUMN plan_deflate BLOB;
)sql";

// v4: history's uniqueness moves from a table constraint to an index, history_by_id, on
// (history_id, org_id): an index can be dropped for a first load and built after it like the
// others (a first sync of 1M rows: 3.3 s -> 2.6 s), and its keys differ in their first column.
// The table is rebuilt with the same columns and rowids (the old indexes dropped first, so the
// copy reuses their pages rather than growing the file). With no index led by org_id, `orgs`
// now lists every org with rows (writes register theirs), so it gets the orgs found in history.
constexpr const char* kSchemaV4 = R"sql(
DROP INDEX IF EXISTS history_by_record;
DROP INDEX IF EXISTS history_by_user;
CREATE TABLE history_v4 (
  org_id          TEXT NOT NULL,
  history_id      TEXT NOT NULL,
  sobject         TEXT NOT NULL,
  record_id       TEXT NOT NULL,
  field           TEXT NOT NULL,
  data_type       TEXT,
  old_value       TEXT,
  new_value       TEXT,
  changed_by      TEXT NOT NULL,
  changed_at      TEXT NOT NULL,
  is_deleted      INTEGER NOT NULL DEFAULT 0,
  history_object  TEXT NOT NULL,
  vanished        INTEGER NOT NULL DEFAULT 0,
  first_seen      TEXT NOT NULL
) STRICT;
INSERT INTO history_v4 (rowid, org_id, history_id, sobject, record_id, field, data_type,
                        old_value, new_value, changed_by, changed_at, is_deleted, history_object,
                        vanished, first_seen)
  SELECT rowid, org_id, history_id, sobject, record_id, field, data_type, old_value, new_value,
         changed_by, changed_at, is_deleted, history_object, vanished, first_seen
  FROM history ORDER BY rowid;
DROP TABLE history;
ALTER TABLE history_v4 RENAME TO history;
CREATE UNIQUE INDEX history_by_id ON history (history_id, org_id);
CREATE INDEX history_by_record ON history (record_id, field, changed_at);
CREATE INDEX history_by_user ON history (changed_by, changed_at);
INSERT INTO orgs (org_id, first_seen, last_seen)
  SELECT org_id, min(first_seen), max(first_seen) FROM
    (SELECT org_id, first_seen FROM history UNION ALL SELECT org_id, first_seen FROM history_stage)
  GROUP BY org_id ON CONFLICT (org_id) DO NOTHING;
)sql";

// v5: the record index is split in two by a new column, `tier`: rows merged by an incremental
// sync are tier 1 and indexed in history_by_record_recent; everything else is tier 0, in
// history_by_record. New rows land all over the record index (every record gets edits), so
// merging 100,000 of them into one index of 1M rows rewrote the whole index (130 MB of WAL); into
// the small recent index they cost a third as much. Store::merge_history folds the recent tier
// into the base (one UPDATE) once it holds a quarter as many rows: one rewrite of the base index
// for several syncs. Readers by record read both tiers (UNION ALL of `tier = 0` and `tier = 1`).
// `tier` ends each key (a byte each) so that SQLite 3.40 still reads keys from the index alone.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE history ADD COLUMN tier INTEGER NOT NULL DEFAULT 0 CHECK (tier IN (0, 1));
DROP INDEX IF EXISTS history_by_record;
CREATE INDEX history_by_record ON history (record_id, field, changed_at, tier) WHERE tier = 0;
CREATE INDEX history_by_record_recent ON history (record_id, field, changed_at, tier)
  WHERE tier = 1;
)sql";

// v6: a later sync stages each page as one row, its rows packed into a blob (see
// src/store/history_stage.hpp): staging 2,000 rows into history_stage's B-tree per page was most
// of the writer's time while pages arrived, and the merge's sort of them in SQLite's sorter about
// a tenth of an incremental sync. history_stage stays for rows a killed older build left there.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE IF NOT EXISTS history_stage_pages (
  seq             INTEGER PRIMARY KEY,
  history_object  TEXT NOT NULL,
  first_seen      TEXT NOT NULL,
  row_count       INTEGER NOT NULL,
  rows            BLOB NOT NULL
) STRICT;
)sql";

// v7: the user index also holds each row's org, object, record and field, so what a user
// changed is read from the index alone (Store::each_user_change): plan's first step read
// 130,000 rows of one user spread over a 1.3M-row table in 0.48-0.53 s, and reads the same
// from this index in 0.04-0.09 s. It costs the store about a seventh of its size.
constexpr const char* kSchemaV7 = R"sql(
DROP INDEX IF EXISTS history_by_user;
CREATE INDEX history_by_user ON history (changed_by, changed_at, org_id, sobject, record_id, field);
)sql";

// v8: plan items are kept in their key's order, WITHOUT ROWID: a rowid table wrote each item
// twice, once as a row and once into the index of its key (plan_id, item_no). Saving the
// bench's plan of 87,190 items (its text deflated and written beside them): a median 0.32 s
// against 0.38 s; and a sixth less WAL (12.7 -> 10.6 MB in a test of the same rows).
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE plan_items_v8 (
  plan_id         TEXT NOT NULL REFERENCES plans (plan_id),
  item_no         INTEGER NOT NULL,
  sobject         TEXT NOT NULL,
  record_id       TEXT NOT NULL,
  field           TEXT NOT NULL,
  status          TEXT NOT NULL,
  restore_to      TEXT,
  attacker_value  TEXT,
  reason          TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plan_id, item_no)
) STRICT, WITHOUT ROWID;
INSERT INTO plan_items_v8 (plan_id, item_no, sobject, record_id, field, status, restore_to,
                           attacker_value, reason)
  SELECT plan_id, item_no, sobject, record_id, field, status, restore_to, attacker_value, reason
  FROM plan_items ORDER BY plan_id, item_no;
DROP TABLE plan_items;
ALTER TABLE plan_items_v8 RENAME TO plan_items;
)sql";

// Index i holds the SQL that takes user_version i to i + 1.
constexpr std::array<const char*, 8> kMigrations = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4,
                                                    kSchemaV5, kSchemaV6, kSchemaV7, kSchemaV8};

}  // namespace

const std::array<HistoryIndex, 4> kHistoryIndexes = {{
    {"history_by_id", "history (history_id, org_id)", true, false},
    {"history_by_record", "history (record_id, field, changed_at, tier) WHERE tier = 0", false,
     false},
    {"history_by_record_recent", "history (record_id, field, changed_at, tier) WHERE tier = 1",
     false, true},
    {"history_by_user", "history (changed_by, changed_at, org_id, sobject, record_id, field)",
     false, false},
}};

int current_schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db) {
  auto version = db.user_version();
  if (!version) return version.error();
  if (*version > current_schema_version()) {
    return make_error(ErrorCode::kStorage,
                      fmt::format("store schema version {} is newer than this sfrewind ({})",
                                  *version, current_schema_version()));
  }
  for (auto v = static_cast<std::size_t>(*version); v < kMigrations.size(); ++v) {
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto s = db.exec(kMigrations[v]); !s) return with_context(s.error(), "migrate");
    if (auto s = db.exec(fmt::format("PRAGMA user_version = {}", v + 1)); !s) return s;
    if (auto s = tx->commit(); !s) return s;
  }
  return ok();
}

}  // namespace sfrewind::store
