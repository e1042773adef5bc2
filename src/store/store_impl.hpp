// Store::Impl: the connection and its cached statements (private to src/store).
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include <sfrewind/store/store.hpp>

#include "store/sqlite.hpp"

namespace sfrewind {

struct Store::Impl {
  store::Db db;  // declared before the statements so they are finalized first
  std::map<std::string, store::Statement, std::less<>> statements;
  std::vector<std::string> warnings;
  std::string path;
  int version = 0;
  std::string stage_buffer;  // a staged page's packed rows (store/history_stage.hpp)

  // A cached prepared statement for `sql`, reset and ready to bind.
  Result<store::Statement*> statement(std::string_view sql);
  // Resets every cached statement: schema changes fail while one is still mid-read.
  void reset_statements() {
    for (auto& [sql, st] : statements) st.reset();
  }
  ~Impl() { statements.clear(); }
};

// Now in the store's text form (`YYYY-MM-DDTHH:MM:SS.sssZ`).
std::string store_now();

// The first column of every row `st` (bound, not yet stepped) gives, as text.
Result<std::vector<std::string>> first_column_texts(store::Statement& st);

// A JSON array of `texts`, for json_each().
std::string json_array(std::span<const std::string> texts);

}  // namespace sfrewind
