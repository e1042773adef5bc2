// ScannedParts: a big incident's rows read in one pass over the history table, packed by part.
#include "cli/plan_scan.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace sfrewind::cli {
namespace {

constexpr std::size_t kBlock = std::size_t{4} << 20;

// Packed, a row is its texts each as a 4-byte length and the bytes (values: length + 1, 0 for
// null), in HistoryRow's order less the org (one per scan), then changed_at in 8 bytes and
// is_deleted in one.
std::size_t packed_size(const HistoryRow& r) {
  return 8 * 4 + r.history_id.size() + r.sobject.size() + r.record_id.size() + r.field.size() +
         r.data_type.size() + (r.old_value ? r.old_value->size() : 0) +
         (r.new_value ? r.new_value->size() : 0) + r.changed_by.size() + 8 + 1;
}

char* put_length(char* p, std::uint32_t n) {
  std::memcpy(p, &n, sizeof n);
  return p + sizeof n;
}

char* put_text(char* p, std::string_view s) {
  p = put_length(p, static_cast<std::uint32_t>(s.size()));
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_value(char* p, const std::optional<std::string>& v) {
  if (!v) return put_length(p, 0);
  p = put_length(p, static_cast<std::uint32_t>(v->size() + 1));
  std::memcpy(p, v->data(), v->size());
  return p + v->size();
}

std::uint32_t get_length(const char*& p) {
  std::uint32_t n = 0;
  std::memcpy(&n, p, sizeof n);
  p += sizeof n;
  return n;
}

void get_text(const char*& p, std::string& out) {
  const std::uint32_t n = get_length(p);
  out.assign(p, n);
  p += n;
}

void get_value(const char*& p, std::optional<std::string>& out) {
  const std::uint32_t n = get_length(p);
  if (n == 0) {
    out.reset();
    return;
  }
  if (!out) out.emplace();
  out->assign(p, n - 1);
  p += n - 1;
}

void unpack_row(const char* p, const std::string& org_id, HistoryRow& r) {
  r.org_id.assign(org_id);
  get_text(p, r.history_id);
  get_text(p, r.sobject);
  get_text(p, r.record_id);
  get_text(p, r.field);
  get_text(p, r.data_type);
  get_value(p, r.old_value);
  get_value(p, r.new_value);
  get_text(p, r.changed_by);
  std::int64_t ms = 0;
  std::memcpy(&ms, p, sizeof ms);
  r.changed_at = Timestamp(ms);
  r.is_deleted = p[sizeof ms] != 0;
}

std::uint64_t pair_hash(std::string_view record_id, std::string_view field) {
  const std::hash<std::string_view> h;
  return h(record_id) ^ (h(field) * 0x9E3779B97F4A7C15ULL);
}

// A packed row's history id (its first text).
std::string_view history_id_of(const char* p) {
  std::uint32_t n = 0;
  std::memcpy(&n, p, sizeof n);
  return {p + sizeof n, n};
}

}  // namespace

bool scan_pays(std::size_t pairs, std::int64_t rows, std::uint64_t memory) {
  constexpr std::uint64_t kKeptRowBytes = 160;
  return rows > 0 && static_cast<std::int64_t>(pairs) * 32 >= rows &&
         static_cast<std::uint64_t>(rows) <= memory / kKeptRowBytes;
}

std::uint64_t scan_memory() {
  constexpr std::uint64_t kMost = std::uint64_t{1} << 30;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return kMost;
  return std::min(kMost, static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 4);
}

ScannedParts::ScannedParts(const std::vector<Pairs>& parts, std::size_t shares)
    : shares_(shares) {
  std::size_t pairs = 0;
  for (const Pairs& p : parts) pairs += p.size();
  std::size_t size = 16;
  while (size < pairs * 2) size *= 2;
  table_.resize(size);
  const std::size_t mask = size - 1;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (const auto& [record_id, field] : parts[i]) {
      const auto k = static_cast<std::uint32_t>(part_of_.size());
      part_of_.push_back(static_cast<std::uint32_t>(i));
      const std::uint64_t h = pair_hash(record_id, field);
      std::size_t at = h & mask;
      while (table_[at].pair != kEmpty) at = (at + 1) & mask;
      table_[at] = Slot{h, k, static_cast<std::uint32_t>(keys_.size())};
      keys_.append(record_id).append(1, '\x1f').append(field).append(1, '\0');
    }
  }
  for (Share& s : shares_) s.rows.resize(parts.size());
}

std::uint32_t ScannedParts::find(std::string_view record_id, std::string_view field) const {
  const std::uint64_t h = pair_hash(record_id, field);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t at = h & mask; table_[at].pair != kEmpty; at = (at + 1) & mask) {
    const Slot& slot = table_[at];
    const std::size_t length = record_id.size() + field.size() + 2;
    if (slot.hash != h || slot.key + length > keys_.size()) continue;
    // Ids and field names hold neither separator, so the key matches only this pair.
    std::string_view key(keys_.data() + slot.key, length);
    if (key.substr(0, record_id.size()) == record_id && key[record_id.size()] == '\x1f' &&
        key.substr(record_id.size() + 1, field.size()) == field && key.back() == '\0') {
      return slot.pair;
    }
  }
  return kEmpty;
}

char* ScannedParts::make_room(Share& share, std::size_t bytes) {
  if (bytes > share.room) {
    const std::size_t size = std::max(kBlock, bytes);
    share.blocks.push_back(std::make_unique_for_overwrite<char[]>(size));
    share.end = share.blocks.back().get();
    share.room = size;
  }
  char* at = share.end;
  share.end += bytes;
  share.room -= bytes;
  return at;
}

void ScannedParts::pack(Share& share, std::uint32_t pair, const HistoryRow& r) {
  char* const start = make_room(share, packed_size(r));
  char* p = put_text(start, r.history_id);
  p = put_text(p, r.sobject);
  p = put_text(p, r.record_id);
  p = put_text(p, r.field);
  p = put_text(p, r.data_type);
  p = put_value(p, r.old_value);
  p = put_value(p, r.new_value);
  p = put_text(p, r.changed_by);
  const std::int64_t ms = r.changed_at.ms();
  std::memcpy(p, &ms, sizeof ms);
  p[sizeof ms] = r.is_deleted ? 1 : 0;
  share.rows[part_of_[pair]].push_back(Kept{pair, ms, start});
}

Status ScannedParts::scan(Store& store, const std::string& org_id, std::int64_t first,
                          std::int64_t last, std::size_t share) {
  Share& out = shares_[share];
  std::uint32_t pair = kEmpty;
  auto wanted = [&](std::string_view record_id, std::string_view field) {
    pair = find(record_id, field);
    return pair != kEmpty;
  };
  return store.scan_history_rows(org_id, first, last, wanted,
                                 [&](HistoryRow& r) { pack(out, pair, r); });
}

std::size_t ScannedParts::split(std::size_t parts) const {
  std::vector<std::size_t> rows(parts, 0);
  std::size_t total = 0;
  for (const Share& s : shares_) {
    for (std::size_t i = 0; i < parts; ++i) rows[i] += s.rows[i].size();
  }
  for (std::size_t n : rows) total += n;
  std::size_t i = 0;
  for (std::size_t before = 0; i < parts && before * 2 < total; ++i) before += rows[i];
  return i;
}

void ScannedParts::unpack(std::size_t part, const std::string& org_id,
                          std::vector<HistoryRow>& rows, std::size_t& size) const {
  std::vector<Kept> kept;
  for (const Share& s : shares_) kept.insert(kept.end(), s.rows[part].begin(), s.rows[part].end());
  // In the planner's order: pairs come in (object, record, field) order, and each pair's rows by
  // time and id, so that it need not sort them again (a part's sort, on the planner's thread,
  // was most of its time).
  std::sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) {
    if (a.pair != b.pair) return a.pair < b.pair;
    if (a.at != b.at) return a.at < b.at;
    return history_id_of(a.bytes) < history_id_of(b.bytes);
  });
  size = 0;
  for (const Kept& k : kept) {
    if (size == rows.size()) rows.emplace_back();
    unpack_row(k.bytes, org_id, rows[size++]);
  }
}

}  // namespace sfrewind::cli
