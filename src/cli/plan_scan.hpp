// A big incident's rows for `sfrewind plan`, read in one pass over the history table instead of
// a seek per (record, field) pair, and kept packed by part until the planner takes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sfrewind/history.hpp>
#include <sfrewind/store/store.hpp>

namespace sfrewind::cli {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Whether reading every stored row once costs less than seeking `pairs` pairs by key, in a
// store whose last row is number `rows`, and the rows a scan may keep fit in `memory` bytes.
// By key, the bench's 87,190 pairs (7.7 rows each, 1.3M rows stored) took about 2.8 s of CPU,
// 32 us a pair; scanned, about 0.85 us a row. A scan keeps the touched pairs' rows packed until
// they are planned (about 160 bytes a row with its place), and only the scan tells how many
// those are: it is chosen only when every stored row would fit. By key, memory holds a few
// parts at a time, whatever the incident's size, for at most about twice the time.
bool scan_pays(std::size_t pairs, std::int64_t rows, std::uint64_t memory);
// The memory a scan may keep: 1 GiB, or a quarter of this machine's, whichever is less.
std::uint64_t scan_memory();

// The rows of the pairs in `parts`, read by shares (one per connection, at the same time) and
// handed out part by part. `parts` must outlive it.
class ScannedParts {
 public:
  ScannedParts(const std::vector<Pairs>& parts, std::size_t shares);

  // Reads rows numbered [first, last] of `org_id` through `store` into share `share`; shares
  // may be read at once on separate threads.
  Status scan(Store& store, const std::string& org_id, std::int64_t first, std::int64_t last,
              std::size_t share);
  // The first of `parts` parts to leave to a second planner: the parts before it hold about
  // half the rows kept.
  std::size_t split(std::size_t parts) const;
  // Part `part`'s rows of every share into rows[0, size), reusing the rows' buffers.
  void unpack(std::size_t part, const std::string& org_id, std::vector<HistoryRow>& rows,
              std::size_t& size) const;

 private:
  // A pair's place in the lookup table: its hash, its index (kEmpty: a free slot) and where
  // its key ("record\x1ffield\0") starts in keys_, close at hand rather than behind pointers.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t pair = kEmpty;
    std::uint32_t key = 0;
  };
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  // A kept row: its pair (in the parts' order), its time, and where its packed bytes start.
  struct Kept {
    std::uint32_t pair;
    std::int64_t at;
    const char* bytes;
  };
  // Packed rows in blocks that never move, and per part its rows.
  struct Share {
    std::vector<std::unique_ptr<char[]>> blocks;
    std::size_t room = 0;  // bytes left in the last block
    char* end = nullptr;   // where the next row goes
    std::vector<std::vector<Kept>> rows;
  };
  // The index of pair (record_id, field), or kEmpty.
  std::uint32_t find(std::string_view record_id, std::string_view field) const;
  char* make_room(Share& share, std::size_t bytes);
  void pack(Share& share, std::uint32_t pair, const HistoryRow& row);

  std::string keys_;                    // every pair's key, one after another
  std::vector<std::uint32_t> part_of_;  // per pair
  std::vector<Slot> table_;             // open addressing, a power of two in size
  std::vector<Share> shares_;
};

}  // namespace sfrewind::cli
