// Review queries on the store: validated inputs of `changes` and `timeline`, the rows they
// read and the user names to show. Read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/report/review.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::report {

// What `changes` was asked for, as typed on the command line.
struct ChangesRequest {
  std::vector<std::string> users;  // 15/18-char ids or usernames, resolved through the store
  bool integration = false;        // add every integration user of the store
  std::string sobject;
  std::string field;
  std::string from;  // command-line times ("" = open)
  std::string to;
  Timestamp now;     // for relative times
};

struct ChangesResult {
  std::string org_id;
  timeline::ChangeFilter filter;
  std::vector<HistoryRow> rows;  // sorted by (changed_at, history_id)
  UserNames names;               // every user of the store
};

// Validates the request and reads the matching rows. Errors: kInvalidArgument for a bad or
// unknown user, object or field name, a bad time, from >= to, or a store without an org;
// kStorage as Store.
Result<ChangesResult> load_changes(Store& store, const ChangesRequest& request);

struct ChangeSummaryResult {
  std::string org_id;
  timeline::ChangeFilter filter;
  std::vector<timeline::SummaryRow> rows;  // as timeline::summarize of load_changes' rows
  UserNames names;
};

// `changes --summary`: the request of load_changes grouped by user, object and field, read in
// two passes over the store without holding the rows. Errors as load_changes.
Result<ChangeSummaryResult> load_change_summary(Store& store, const ChangesRequest& request);

struct TimelineRequest {
  std::string record;  // 15/18-char id
  std::string field;   // "" = every field and the events
  std::string at;      // "" = the whole timeline
  Timestamp now;
};

struct TimelineResult {
  std::string org_id;
  timeline::RecordTimeline record;
  UserNames names;  // of the users who changed the record (the store's users among them)
  std::optional<Timestamp> at;
  std::vector<timeline::ValueAt> values;  // at set: the values just before `at`
};

// Reads one record's history (and its latest snapshot values, for --at). Errors:
// kInvalidArgument for a bad id, field or time, or a record/field the store has no history of.
Result<TimelineResult> load_timeline(Store& store, const TimelineRequest& request);

// Values of many records at one time (`timeline RECORD... --at T`), read in one query.
struct ValuesAtRequest {
  std::vector<std::string> records;  // 15/18-char ids
  std::string field;                 // "" = every field
  std::string at;
  Timestamp now;
  // With `field`: a record with no history of it is an error, as in load_timeline; otherwise
  // it has no values.
  bool require_field = false;
};

struct RecordValues {
  std::string sobject;
  std::string record_id;
  std::vector<timeline::ValueAt> values;
};

struct ValuesAtResult {
  std::string org_id;
  Timestamp at;
  UserNames names;  // of the users who made the rows the values were read from
  std::vector<RecordValues> records;  // in the order asked, each once
};

// Reads only the rows the values depend on (located in the record index, then read by rowid),
// not each record's whole history, about a thousand records at a time, so that memory holds
// two batches' rows and every record's values (10,000 records: 100 -> 30 MB, the file's pages
// aside). With more than one batch, each batch's rows are read through `store` on a thread of
// its own while the calling thread builds the values of the batch before; `store` is used by
// one thread at a time and is free again on return. Errors as load_timeline, for any of the
// records (a field with no history only with `require_field`); kInvalidArgument without `at`.
Result<ValuesAtResult> load_values_at(Store& store, const ValuesAtRequest& request);

// The one org of the store. Errors: kInvalidArgument when it holds none or several.
Result<std::string> single_org(Store& store);

}  // namespace sfrewind::report
