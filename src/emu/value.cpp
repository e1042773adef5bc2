// Val: formatting and comparison of emulator field values.
#include "emu/value.hpp"

#include <cmath>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

#include "emu/json.hpp"

namespace sfrewind::emu {

std::string format_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return fmt::format("{:.1f}", d);
  return fmt::format("{}", d);
}

Val Val::number(double d) { return Val{Kind::kNumber, format_number(d), d}; }

bool parse_ymd(std::string_view s, std::int64_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto ts = Timestamp::parse(s);
  if (!ts) return false;
  *days = ts->ms() / 86400000;
  return true;
}

Val Val::date(std::string ymd) {
  std::int64_t days = 0;
  parse_ymd(ymd, &days);
  return Val{Kind::kDate, std::move(ymd), static_cast<double>(days) * 86400000.0};
}

Val Val::datetime(std::int64_t ms) {
  return Val{Kind::kDateTime, Timestamp(ms).to_salesforce(), static_cast<double>(ms)};
}

std::string Val::json() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool:
    case Kind::kNumber:
    case Kind::kRaw: return text;
    default: {
      std::string out;
      append_quoted(out, text);
      return out;
    }
  }
}

void Val::write(JsonWriter& w) const {
  switch (kind) {
    case Kind::kNull: w.null(); break;
    case Kind::kBool:
    case Kind::kNumber:
    case Kind::kRaw: w.raw(text); break;
    default: w.string(text);
  }
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {
bool numeric(const Val& v) {
  return v.kind == Val::Kind::kNumber || v.kind == Val::Kind::kBool ||
         v.kind == Val::Kind::kDate || v.kind == Val::Kind::kDateTime;
}
int icompare(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}
}  // namespace

int compare_vals(const Val& a, const Val& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  if (numeric(a) && numeric(b)) return a.num < b.num ? -1 : (a.num > b.num ? 1 : 0);
  return icompare(a.text, b.text);
}

bool equal_vals(const Val& a, const Val& b) { return compare_vals(a, b) == 0; }

}  // namespace sfrewind::emu
