// A fast path for serialising history rows: writes straight into the page buffer without
// building Vals, strings or JSON objects per row (paging millions of rows is a benchmark input).
#include "emu/history_writer.hpp"

#include <sfrewind/types.hpp>

namespace sfrewind::emu {
namespace {

constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kSuffix = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

// Same layout as Org::history_id: "017" "5g" + 10 base62 digits + checksum.
void append_history_id(std::string& out, std::uint32_t seq) {
  char id[18];
  id[0] = '0', id[1] = '1', id[2] = '7', id[3] = '5', id[4] = 'g';
  std::uint64_t s = seq;
  for (int i = 14; i >= 5; --i) {
    id[i] = kBase62[s % 62];
    s /= 62;
  }
  for (int chunk = 0; chunk < 3; ++chunk) {
    unsigned bits = 0;
    for (int i = 0; i < 5; ++i) {
      char c = id[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1u << i;
    }
    id[15 + chunk] = kSuffix[bits];
  }
  out.append(id, 18);
}

void two(std::string& out, int v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// Howard Hinnant's civil_from_days.
void append_datetime(std::string& out, std::int64_t ms) {
  std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int sod = static_cast<int>(secs - days * 86400);
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  out += '"';
  two(out, static_cast<int>(y / 100));
  two(out, static_cast<int>(y % 100));
  out += '-';
  two(out, static_cast<int>(m));
  out += '-';
  two(out, static_cast<int>(d));
  out += 'T';
  two(out, sod / 3600);
  out += ':';
  two(out, sod / 60 % 60);
  out += ':';
  two(out, sod % 60);
  out += ".000+0000\"";
}

}  // namespace

HistoryWriter::HistoryWriter(const Org& org, int hist, std::string_view version) {
  h_ = &org.histories[static_cast<std::size_t>(hist)];
  parent_ = &org.tables[static_cast<std::size_t>(h_->parent_table)];
  users_ = &org.tables[static_cast<std::size_t>(org.table("User"))];
  url_prefix_ = "\"/services/data/v" + std::string(version) + "/sobjects/" + h_->name + "/";
  for (const auto& f : parent_->def.fields) {
    std::string name = f.type == "reference" && !f.custom ? f.relationship_name : f.name;
    field_names_.push_back("\"" + name + "\"");
  }
  attributes_ = "{\"attributes\":{\"type\":\"" + h_->name + "\",\"url\":";
}

void HistoryWriter::write(std::string& out, std::uint32_t row, const std::vector<std::pair<std::string, int>>& cols) const {
  const HistRow& r = h_->rows[row];
  out += attributes_;
  out += url_prefix_;
  append_history_id(out, r.seq);
  out += "\"}";
  for (const auto& [key, f] : cols) {
    out += ',';
    out += key;
    switch (f) {
      case 0: out += '"'; append_history_id(out, r.seq); out += '"'; break;
      case 1:
        out += '"';
        out.append(parent_->ids[r.parent].data(), parent_->ids[r.parent].size());
        out += '"';
        break;
      case 2: out += r.field == kCreatedField ? std::string_view("\"created\"") : std::string_view(field_names_[r.field]); break;
      case 3: out += '"'; out += data_type_name(r.data_type); out += '"'; break;
      case 4:
        if (r.old_len) out.append(h_->arena, r.old_off, r.old_len);
        else out += "null";
        break;
      case 5:
        if (r.new_len) out.append(h_->arena, r.new_off, r.new_len);
        else out += "null";
        break;
      case 6: out += '"'; out += users_->rows[r.user].v[0].text; out += '"'; break;
      case 7: append_datetime(out, r.created_ms); break;
      default: out += r.deleted ? "true" : "false";
    }
  }
  out += '}';
}

}  // namespace sfrewind::emu
