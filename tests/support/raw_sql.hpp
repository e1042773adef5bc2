// One value from a store file through raw sqlite3, not through the code under test.
#pragma once

#include <string>

#include <sqlite3.h>

namespace sfrewind::test {

// The first column of the first row of `sql` on the file at `path` as text: "NULL" for SQL
// NULL, "<none>" when there is no row, "<error>" when it does not run. Opened read-only unless
// `write` (for statements that change the file).
inline std::string raw_scalar(const std::string& path, const std::string& sql, bool write = false) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out = "<error>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out = t ? reinterpret_cast<const char*>(t) : "NULL";
    } else if (rc == SQLITE_DONE) {
      out = "<none>";
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace sfrewind::test
