// Printing helpers for commands: aligned tables, JSON strings, a progress line on terminals.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "cli/app.hpp"

namespace sfrewind::cli {

// Prints rows as left-aligned columns separated by two spaces; the first row is the header.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// A progress line on stderr, redrawn in place, shown only when stderr is a terminal and the
// run is neither quiet nor --json. Clears itself on finish().
class ProgressLine {
 public:
  explicit ProgressLine(Context& ctx);
  ~ProgressLine() { finish(); }
  void update(const std::string& text);
  void finish();

 private:
  Context& ctx_;
  bool enabled_;
  bool drawn_ = false;
  std::int64_t last_ms_ = 0;
};

// Returns `s` JSON-quoted.
std::string jq(const std::string& s);

}  // namespace sfrewind::cli
