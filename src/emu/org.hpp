// Org: the emulator's data model (objects, records, users, compact field history) and the one
// write path that every change goes through.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sfrewind/error.hpp>

#include "emu/json.hpp"
#include "emu/value.hpp"

namespace sfrewind::emu {

// One field of an object, with the describe properties the emulator serves.
struct FieldDef {
  std::string name;
  std::string label;
  std::string type = "string";  // describe type: id, string, boolean, currency, date, reference...
  int length = 0;
  int precision = 0;
  int scale = 0;
  bool updateable = true;
  bool createable = true;
  bool calculated = false;
  bool nillable = true;
  bool tracked = false;
  bool custom = false;
  std::string reference_to;       // target object for references
  std::string relationship_name;  // "Owner", "Account__r"
  std::vector<std::string> picklist;
};

// A simple validation rule: when every condition holds, the save fails with `message`.
struct ValidationRule {
  struct Cond {
    std::string field;
    std::string op;  // = != < <= > >= null notnull
    Val value;
  };
  std::string name;
  std::string message;
  std::string error_field;
  std::vector<Cond> conds;
};

struct ObjectDef {
  std::string name;
  std::string label;
  std::string key_prefix;
  bool custom = false;
  bool writable = true;   // false for read-only system objects (LoginHistory, FieldDefinition...)
  bool creatable = true;  // false for every system object: no API create or delete
  std::vector<FieldDef> fields;
  std::unordered_map<std::string, int> index;  // lower-case name -> field
  std::vector<ValidationRule> rules;
  // Indexes of the audit fields (-1 when absent), kept by add() so writes need no lookups.
  struct Sys {
    int created_date = -1, created_by = -1, owner = -1, last_modified = -1, last_modified_by = -1,
        modstamp = -1;
  } sys;

  // Returns the field index for `name` (case-insensitive) or -1.
  int field(std::string_view name) const;
  // Returns the index of the reference field whose relationship name is `rel`, or -1.
  int relationship(std::string_view rel) const;
  void add(FieldDef f);
};

struct Record {
  std::vector<Val> v;
  bool deleted = false;
};

// One history row, 48 bytes; values are JSON literals in the history table's arena.
struct HistRow {
  std::int64_t created_ms = 0;
  std::uint32_t seq = 0;
  std::uint32_t parent = 0;  // row in the parent table
  std::uint32_t user = 0;    // row in the User table
  std::uint16_t field = 0;   // field index in the parent object, kCreatedField for `created`
  std::uint8_t data_type = 0;
  std::uint8_t deleted = 0;
  std::uint32_t old_off = 0, new_off = 0;
  std::uint16_t old_len = 0, new_len = 0;
};
constexpr std::uint16_t kCreatedField = 0xFFFF;

// The history object of one tracked parent object.
struct HistoryTable {
  std::string name;        // Invoice__History, AccountHistory, OpportunityFieldHistory
  std::string parent_col;  // ParentId or AccountId
  int parent_table = -1;
  std::vector<HistRow> rows;
  std::string arena;
};

struct Table {
  ObjectDef def;
  std::vector<Record> rows;
  // rows[i].v[0] (the Id) again, side by side: history pages name a parent per row, and reading
  // it through rows[i].v cost three cache misses a row.
  std::vector<std::array<char, 18>> ids;
  int history = -1;
  std::uint64_t next_seq = 1;
};

struct ConnectedApp {
  std::string name, client_id, client_secret, run_as, certificate_pem;
};

struct RefreshGrant {
  std::string token, client_id, username;
};

// One field write made through the API.
struct WriteLogEntry {
  std::int64_t time_ms = 0;
  std::string user;  // username
  std::string sobject, record_id, field, value;  // value as a JSON literal
};

// One save error in Salesforce's terms.
struct SaveError {
  std::string status_code, message;
  std::vector<std::string> fields;
};

// The DataType names history rows carry.
std::string_view data_type_name(std::uint8_t code);

// Thread-safety: not thread-safe; the Server guards it with its mutex.
class Org {
 public:
  Org();

  std::string org_id;
  std::string instance_name = "EMU1";
  std::vector<Table> tables;
  std::vector<HistoryTable> histories;
  std::vector<ConnectedApp> apps;
  std::vector<RefreshGrant> refresh_grants;
  std::vector<WriteLogEntry> write_log;
  std::int64_t api_calls = 0;
  std::int64_t api_max = 100000;
  std::int64_t api_day = 0;  // UTC day the api_calls count belongs to
  std::uint32_t next_history_seq = 1;
  int user_table = -1;  // index of the User table, set by add_object

  // Looks up a table by object name (case-insensitive); -1 when unknown.
  int table(std::string_view name) const;
  // Looks up a history table by name; -1 when unknown.
  int history(std::string_view name) const;
  // Adds an object (and its history table when any field is tracked). Returns its index.
  int add_object(ObjectDef def, std::string_view history_name = "");
  // Finds a record by 15/18-char id.
  std::optional<std::pair<int, std::uint32_t>> find(std::string_view id) const;
  int user_row(std::string_view username) const;
  std::string user_id(std::uint32_t row) const;
  std::string username(std::uint32_t row) const;
  std::string record_id(int table, std::uint32_t row) const;
  std::string history_id(std::uint32_t seq) const;
  std::string new_id(int table);

  // Converts a JSON field value to the field's type (numeric strings accepted for numbers).
  Result<Val> coerce(const FieldDef& f, const Json& j) const;

  // The write path for API writes and org-file edits alike: checks fields, types and
  // validation rules, then applies. `row` empty means create. Returns the record row or errors.
  Result<std::uint32_t> save(int table, std::optional<std::uint32_t> row, const Json& fields,
                             std::uint32_t user, std::int64_t time_ms, bool log,
                             std::vector<SaveError>* errors);
  // Applies already-typed changes and writes history: the only place values change.
  std::uint32_t apply(int table, std::optional<std::uint32_t> row,
                      const std::vector<std::pair<int, Val>>& changes, std::uint32_t user,
                      std::int64_t time_ms, bool log);
  // Deletes a record: marks it and moves its history to the recycle bin.
  void remove(int table, std::uint32_t row, std::uint32_t user, std::int64_t time_ms);

  // Undo journal for allOrNone: begin_tx() then commit_tx() or rollback_tx().
  void begin_tx();
  void commit_tx() { undo_.on = false; }
  void rollback_tx();

  // Values for history cells.
  Val history_value(const HistoryTable& h, const HistRow& r, bool old_value) const;

 private:
  void add_history(int table, std::uint32_t row, int field, const Val& old_v, const Val& new_v,
                   std::uint32_t user, std::int64_t time_ms);
  void push_history(HistoryTable& h, HistRow r, std::string_view old_lit, std::string_view new_lit);
  std::string display_name(const Val& ref) const;
  void touch(int table, std::uint32_t row);
  struct Undo {
    bool on = false;
    std::vector<std::size_t> table_sizes;
    std::vector<std::pair<std::size_t, std::size_t>> history_sizes;
    std::vector<std::pair<std::pair<int, std::uint32_t>, Record>> records;
    std::vector<std::pair<int, std::uint32_t>> flagged;
    std::size_t log_size = 0;
  } undo_;
  std::unordered_map<std::string, std::pair<int, std::uint32_t>> ids_;
  std::unordered_map<std::string, std::uint32_t> users_;
};

// Builds the standard system objects (User, Profile, UserLicense, LoginHistory, UserLogin,
// EntityDefinition, FieldDefinition) into `org`.
void add_system_objects(Org& org);
// Adds the standard fields every business object has (Id, Name, Owner, audit fields).
void add_standard_fields(ObjectDef& def, bool with_owner);
// Refreshes EntityDefinition/FieldDefinition rows from the object definitions.
void rebuild_definitions(Org& org);
// Appends a LoginHistory row.
void add_login(Org& org, std::uint32_t user, std::int64_t time_ms, std::string_view application,
               std::string_view status, std::string_view source_ip = "127.0.0.1");

// Loads an org file. Returns kParse / kInvalidArgument with context.
Result<Org> load_org_file(const std::string& path);
Result<Org> load_org_json(const Json& doc, const std::string& base_dir);
// Builds a generated org from "records=N,edits=M,users=K,seed=S".
Result<Org> generate_org(std::string_view spec);
// Appends generated edits that write `edits` history rows to a generated org, after its newest
// history row (the control endpoint's /__emu/generate-edits). Fails on an org not generated.
Status add_generated_edits(Org& org, std::uint64_t edits, std::uint64_t seed);

}  // namespace sfrewind::emu
