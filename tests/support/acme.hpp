// The Acme sample incident on an in-process sfrewind-emu, and raw-SQL helpers for checks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "emu/server.hpp"

namespace sfrewind::test {

inline std::string acme_org_file() {
  return std::string(SFREWIND_SOURCE_DIR) + "/samples/orgs/acme-incident.json";
}

// Starts the Acme org on 127.0.0.1, any port. REQUIRES: the sample file exists.
inline std::unique_ptr<emu::Server> start_acme(emu::FaultOptions faults = {},
                                               int token_ttl_s = 7200) {
  emu::ServerOptions options;
  options.org_file = acme_org_file();
  options.faults = faults;
  options.token_ttl_s = token_ttl_s;
  options.fixed_tokens = {{"00D5g00000ACME1!responder-fixed-token", "responder@acme.example"},
                          {"00D5g00000ACME1!attacker-fixed-token",
                           "integration.accounting@acme.example"}};
  auto server = emu::Server::start(options);
  return server ? std::move(*server) : nullptr;
}

// Every row of a query as tab-separated text, one line a row, read with raw sqlite3.
inline std::vector<std::string> sql_rows(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return {"<cannot open>"};
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    out.push_back(std::string("<error> ") + sqlite3_errmsg(db));
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string line;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        if (i) line.push_back('\t');
        line.append(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      out.push_back(line);
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

inline std::string sql_one(const std::string& path, const std::string& sql) {
  auto rows = sql_rows(path, sql);
  return rows.empty() ? "<none>" : rows.front();
}

// The public history table in a stable order, for comparing two stores.
inline std::vector<std::string> history_dump(const std::string& path) {
  return sql_rows(path,
                  "SELECT org_id, history_id, sobject, record_id, field, data_type, old_value, "
                  "new_value, changed_by, changed_at, is_deleted FROM history ORDER BY history_id");
}

}  // namespace sfrewind::test
