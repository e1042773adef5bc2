// HistoryWriter: appends history rows as query records straight into a page buffer.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emu/org.hpp"

namespace sfrewind::emu {

// Thread-safety: reads the Org; use under the server mutex. The Org must outlive the writer.
class HistoryWriter {
 public:
  HistoryWriter(const Org& org, int hist, std::string_view version);
  // Appends one record; `cols` = (quoted key plus ':', history column index).
  void write(std::string& out, std::uint32_t row, const std::vector<std::pair<std::string, int>>& cols) const;

 private:
  const HistoryTable* h_ = nullptr;
  const Table* parent_ = nullptr;
  const Table* users_ = nullptr;
  std::string url_prefix_, attributes_;
  std::vector<std::string> field_names_;
};

}  // namespace sfrewind::emu
