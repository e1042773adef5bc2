// Printing helpers.
#include "cli/output.hpp"

#include <algorithm>

#include <sfrewind/types.hpp>

namespace sfrewind::cli {

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

ProgressLine::ProgressLine(Context& ctx)
    : ctx_(ctx), enabled_(ctx.err_is_terminal && !ctx.global.quiet && !ctx.global.json) {}

void ProgressLine::update(const std::string& text) {
  if (!enabled_) return;
  std::int64_t now = Timestamp::now().ms();
  if (drawn_ && now - last_ms_ < 100) return;
  last_ms_ = now;
  ctx_.err << "\r\033[K" << text << std::flush;
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_) ctx_.err << "\r\033[K" << std::flush;
  drawn_ = false;
}

std::string jq(const std::string& s) { return json_quote(s); }

}  // namespace sfrewind::cli
