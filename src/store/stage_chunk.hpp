// A chunk of staged history pages as the merge holds it: the pages' bytes in one buffer, each
// row read in place, and the keys rows are merged in. Private to src/store (history_stage.cpp,
// staged_rows.cpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfrewind::store {

// A staged row read in place from its page's bytes.
struct StagedRow {
  std::string_view org_id, history_id, sobject, record_id, field, data_type, changed_by;
  std::optional<std::string_view> old_value, new_value;
  std::int64_t changed_at = 0;
  bool is_deleted = false;
};

// Reads rows back from a page's bytes (the form pack_rows writes, store/history_stage.cpp);
// each read fails when the bytes end early.
class PageReader {
 public:
  explicit PageReader(std::string_view bytes) : rest_(bytes) {}

  bool row(StagedRow& r) {
    char deleted = 0;
    if (!(text(r.org_id) && text(r.history_id) && text(r.sobject) && text(r.record_id) &&
          text(r.field) && text(r.data_type) && value(r.old_value) && value(r.new_value) &&
          text(r.changed_by) && fixed(r.changed_at) && fixed(deleted))) {
      return false;
    }
    r.is_deleted = deleted != 0;
    return true;
  }
  std::size_t left() const { return rest_.size(); }

 private:
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && !rest_.empty(); shift += 7) {
      auto byte = static_cast<unsigned char>(rest_.front());
      rest_.remove_prefix(1);
      v |= std::uint64_t{byte & 0x7fu} << shift;
      if (byte < 0x80) return true;
    }
    return false;
  }
  bool bytes(std::uint64_t n, std::string_view& out) {
    if (n > rest_.size()) return false;
    out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }
  bool text(std::string_view& out) {
    std::uint64_t n = 0;
    return varint(n) && bytes(n, out);
  }
  bool value(std::optional<std::string_view>& out) {
    std::uint64_t n = 0;
    if (!varint(n)) return false;
    out.reset();
    if (n == 0) return true;
    std::string_view v;
    if (!bytes(n - 1, v)) return false;
    out = v;
    return true;
  }
  template <typename T>
  bool fixed(T& out) {
    if (rest_.size() < sizeof(T)) return false;
    std::memcpy(&out, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }

  std::string_view rest_;
};

struct StagedPage {
  std::int64_t seq = 0;
  std::string history_object;
  std::string first_seen;
  std::int64_t row_count = 0;
  std::size_t offset = 0;  // of its bytes in the chunk's buffer
  std::size_t size = 0;
};

// A chunk of staged pages: their bytes in one buffer, read straight from the store's pages.
struct Chunk {
  std::vector<StagedPage> pages;
  std::unique_ptr<char[]> bytes;
  std::size_t size = 0;

  std::string_view page_bytes(const StagedPage& p) const {
    return {bytes.get() + p.offset, p.size};
  }
};

// Where a staged row is, and what it sorts by: record, field, time, then the order it was staged.
struct SortKey {
  std::string_view record_id;
  std::string_view field;
  std::int64_t changed_at = 0;
  std::uint32_t page = 0;
  std::uint32_t offset = 0;  // of the row in its page's bytes
};

}  // namespace sfrewind::store
