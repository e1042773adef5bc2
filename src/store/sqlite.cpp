// RAII wrappers over sqlite3.
#include "store/sqlite.hpp"

#include <fmt/format.h>

namespace sfrewind::store {

void SqliteClose::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  Error e = make_error(ErrorCode::kStorage,
                       fmt::format("{}: {}", context, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  e.sqlite_code = rc;
  return e;
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return sqlite_error(db, rc, "prepare");
  }
  return Statement(db, raw);
}

Status Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
  return ok();
}

Status Statement::bind_static(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                             SQLITE_STATIC);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
  return ok();
}

Status Statement::bind_static_from(int first,
                                   std::span<const std::optional<std::string_view>> texts) {
  int rc = SQLITE_OK;
  int index = first;
  for (const auto& text : texts) {
    rc = text ? sqlite3_bind_text(stmt_.get(), index, text->data(), static_cast<int>(text->size()),
                                  SQLITE_STATIC)
              : sqlite3_bind_null(stmt_.get(), index);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
    ++index;
  }
  return ok();
}

Status Statement::bind_blob_static(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
  return ok();
}

Status Statement::bind_pointer(int index, void* p, const char* type) {
  int rc = sqlite3_bind_pointer(stmt_.get(), index, p, type, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
  return ok();
}

Status Statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Status Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
  return ok();
}

Status Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_.get(), index);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
  return ok();
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, rc, "step");
}

Status Statement::exec() {
  while (true) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return ok();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

void Statement::rewind() { sqlite3_reset(stmt_.get()); }

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::column_text(int index) const { return std::string(column_view(index)); }

std::optional<std::string> Statement::column_optional(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

void Statement::column_into(int index, std::string& out) const { out.assign(column_view(index)); }

void Statement::column_into(int index, std::optional<std::string>& out) const {
  if (column_is_null(index)) {
    out.reset();
    return;
  }
  if (!out) out.emplace();
  column_into(index, *out);
}

std::string_view Statement::column_view(int index) const {
  const auto* p = sqlite3_column_text(stmt_.get(), index);
  int n = sqlite3_column_bytes(stmt_.get(), index);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string_view();
}

std::string_view Statement::column_blob(int index) const {
  const void* p = sqlite3_column_blob(stmt_.get(), index);
  int n = sqlite3_column_bytes(stmt_.get(), index);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string_view();
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

Result<Db> Db::open(const std::string& path, bool create, bool read_only) {
  int flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
  flags |= read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db;
  db.db_.reset(raw);  // owned before rc is checked, so a failed open is still closed
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "open " + path);
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    Error e = make_error(ErrorCode::kStorage, message ? message : sqlite3_errstr(rc));
    e.sqlite_code = rc;
    sqlite3_free(message);
    return e;
  }
  return ok();
}

Result<std::int64_t> Db::integer(std::string_view sql) {
  auto st = Statement::prepare(db_.get(), sql, false);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return *row ? st->column_int(0) : 0;
}

Result<Transaction> Transaction::begin(Db& db) {
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return with_context(s.error(), "begin");
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Status s = db_->exec("COMMIT");
  if (s) db_ = nullptr;
  return s;
}

}  // namespace sfrewind::store
