// Private RAII wrappers over sqlite3: Db, Statement, Transaction. The only place sqlite3 lives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include <sfrewind/error.hpp>

namespace sfrewind::store {

struct SqliteClose {
  void operator()(sqlite3* db) const noexcept;
};
struct SqliteFinalize {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

// An Error of kind kStorage built from the connection's last message.
Error sqlite_error(sqlite3* db, int rc, std::string_view context);

// One prepared statement. Not thread-safe.
class Statement {
 public:
  Statement() = default;
  static Result<Statement> prepare(sqlite3* db, std::string_view sql, bool persistent = true);

  Status bind(int index, std::string_view text);
  // Binds without copying. REQUIRES: `text` stays alive and unchanged until the next reset().
  Status bind_static(int index, std::string_view text);
  Status bind_optional(int index, const std::optional<std::string>& text);
  Status bind(int index, std::int64_t value);
  Status bind_null(int index);
  // Binds ?first, ?first+1... to `texts` in turn as bind_static does, NULL where one is absent.
  // One Status for them all: a loop writing a million rows pays for one, not one per value.
  Status bind_static_from(int first, std::span<const std::optional<std::string_view>> texts);
  // Binds bytes as a BLOB, without copying (as bind_static).
  Status bind_blob_static(int index, std::string_view bytes);
  // Binds a pointer that only a function or virtual table asking for `type` can read
  // (sqlite3_bind_pointer). REQUIRES: `p` and `type` outlive the statement's run.
  Status bind_pointer(int index, void* p, const char* type);
  // Runs one step: true when a row is available.
  Result<bool> step();
  // Runs to completion, ignoring rows.
  Status exec();
  // Resets for reuse and clears bindings.
  void reset();
  // Resets for reuse keeping the bindings: for a loop that binds every parameter each time.
  void rewind();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::optional<std::string> column_optional(int index) const;
  // The text in place, valid until the next step() or reset().
  std::string_view column_view(int index) const;
  // Assign into `out`, reusing its buffer: for readers that stream many rows through one row.
  void column_into(int index, std::string& out) const;
  void column_into(int index, std::optional<std::string>& out) const;
  // A BLOB (or text) column's bytes in place, valid until the next step() or reset().
  std::string_view column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, SqliteFinalize> stmt_;
};

// An owned connection.
class Db {
 public:
  // Opens `path`; `create` allows creating it. REQUIRES: the file exists when !create.
  static Result<Db> open(const std::string& path, bool create, bool read_only);
  sqlite3* get() const { return db_.get(); }
  Status exec(std::string_view sql);
  // The first column of the first row of `sql` as an integer; 0 when it returns no row.
  Result<std::int64_t> integer(std::string_view sql);
  Result<std::int64_t> user_version() { return integer("PRAGMA user_version"); }

 private:
  std::unique_ptr<sqlite3, SqliteClose> db_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
};

}  // namespace sfrewind::store
