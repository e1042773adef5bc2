// Running SOQL against the Org: compiled paths, filtering, sorting, cursors and page writing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/error.hpp>

#include "emu/org.hpp"
#include "emu/soql.hpp"

namespace sfrewind::emu {

// What a row belongs to: a record table or a history table.
struct Ctx {
  int table = -1;
  int hist = -1;
};

// A select-list entry: a leaf field or a relationship with its own entries.
struct SelNode {
  std::string name;
  int field = -1;  // leaf field, or the reference field of a relationship
  bool relation = false;
  Ctx target;
  std::vector<SelNode> kids;
};

struct Cursor {
  Ctx ctx;
  std::vector<SelNode> select;
  std::vector<std::uint32_t> rows;
  std::int64_t created_ms = 0;
  int batch = 2000;  // the batch size asked for by the first request sticks to the cursor
};

// Owns open query cursors. Thread-safety: none; the Server calls it under its mutex.
class QueryService {
 public:
  // Runs `soql` and returns the first page's JSON body. `all` = queryAll (deleted rows too).
  // Errors carry api_code MALFORMED_QUERY / INVALID_FIELD / INVALID_TYPE and http_status 400.
  Result<std::string> run(const Org& org, std::string_view soql, bool all, int batch,
                          std::string_view version, std::int64_t now_ms);
  // Returns the page at `locator` ("<cursor id>-<offset>"); INVALID_QUERY_LOCATOR when unknown.
  // `batch` 0 keeps the cursor's batch size.
  Result<std::string> more(const Org& org, std::string_view locator, int batch,
                           std::string_view version, std::int64_t now_ms);
  // Forgets every cursor (fault injection: expired locators).
  void expire_all() { cursors_.clear(); }
  int ttl_s = 900;

 private:
  std::string page(const Org& org, const std::string& id, const Cursor& c, std::size_t offset,
                   int batch, std::string_view version);
  std::map<std::string, Cursor> cursors_;
  std::uint64_t next_ = 1;
};

namespace cells {
// History columns in the order of HistRow's fields.
enum HistField { kHId, kHParent, kHField, kHDataType, kHOld, kHNew, kHCreatedById, kHCreatedDate, kHIsDeleted };
constexpr int kHistFields = 9;
std::string hist_field_name(const Org& org, int hist, int f);
// The field index of `name` in `ctx` (case-insensitive), or -1.
int field_index(const Org& org, Ctx ctx, std::string_view name);
std::string field_name(const Org& org, Ctx ctx, int f);
// Resolves relationship `rel` from `ctx`: sets the reference field, target and canonical name.
bool relation(const Org& org, Ctx ctx, std::string_view rel, int* field, Ctx* target, std::string* name);
Val get(const Org& org, Ctx ctx, std::uint32_t row, int f);
// Like get(), but cheap numbers for history ids, parents, users and dates (same order).
Val sort_key(const Org& org, Ctx ctx, std::uint32_t row, int f);
std::optional<std::uint32_t> follow(const Org& org, Ctx ctx, std::uint32_t row, int f);
}  // namespace cells

// Writes one row as a JSON record with attributes and the selected fields.
void write_row(const Org& org, JsonWriter& w, Ctx ctx, std::uint32_t row,
               const std::vector<SelNode>& select, std::string_view version);
// Resolves a select list for `ctx` (used by sobject GET with ?fields=).
Result<std::vector<SelNode>> compile_select(const Org& org, Ctx ctx, const std::vector<Path>& paths);
std::string ctx_name(const Org& org, Ctx ctx);
Error api_error(int status, std::string code, std::string message);

}  // namespace sfrewind::emu
