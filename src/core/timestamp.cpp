// Timestamp: parsing and formatting of UTC millisecond times.
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

namespace sfrewind {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

Error bad_time(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 40));
  for (char& c : shown) if (c < 0x20 || c >= 0x7f) c = '?';
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("invalid time '{}': {}", shown, why));
}

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = v;
  return true;
}

Result<std::int64_t> parse_date_part(std::string_view s) {
  unsigned y = 0, m = 0, d = 0;
  if (s.size() < 10 || !read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, m) ||
      s[7] != '-' || !read_digits(s, 8, 2, d)) {
    return bad_time(s, "expected YYYY-MM-DD");
  }
  if (y < 1700 || y > 4000) return bad_time(s, "year out of range");
  if (m < 1 || m > 12) return bad_time(s, "month out of range");
  if (d < 1 || d > days_in_month(y, m)) return bad_time(s, "day out of range");
  return days_from_civil(y, m, d) * kMsPerDay;
}

// Parses the zone suffix (`Z`, `+HHMM`, `+HH:MM`, `-HHMM`...) into an offset in minutes.
Result<int> parse_zone(std::string_view text, std::string_view zone) {
  if (zone == "Z" || zone == "z") return 0;
  if (zone.empty()) return bad_time(text, "missing time zone (Z or +HH:MM)");
  if (zone[0] != '+' && zone[0] != '-') return bad_time(text, "bad time zone");
  unsigned hh = 0, mm = 0;
  bool ok = (zone.size() == 5 && read_digits(zone, 1, 2, hh) && read_digits(zone, 3, 2, mm)) ||
            (zone.size() == 6 && zone[3] == ':' && read_digits(zone, 1, 2, hh) &&
             read_digits(zone, 4, 2, mm));
  if (!ok || hh > 14 || mm > 59) return bad_time(text, "bad time zone");
  int minutes = static_cast<int>(hh * 60 + mm);
  return zone[0] == '-' ? -minutes : minutes;
}

Result<Timestamp> parse_relative(std::string_view text, Timestamp now) {
  std::string_view body = text.substr(1, text.size() - 2);
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), n);
  if (body.empty() || ec != std::errc() || ptr != body.data() + body.size() || n < 0 ||
      n > 100'000'000) {
    return bad_time(text, "expected a relative time like -72h, -7d, -30m");
  }
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1000; break;
    case 'm': unit = 60'000; break;
    case 'h': unit = 3'600'000; break;
    case 'd': unit = kMsPerDay; break;
    default: return bad_time(text, "relative unit must be s, m, h or d");
  }
  return Timestamp(now.ms() - n * unit);
}

}  // namespace

Result<Timestamp> Timestamp::parse(std::string_view text) {
  auto day_ms = parse_date_part(text);
  if (!day_ms) return day_ms.error();
  if (text.size() == 10) return Timestamp(*day_ms);
  unsigned hh = 0, mi = 0, ss = 0;
  if (text.size() < 19 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !read_digits(text, 11, 2, hh) || text[13] != ':' || !read_digits(text, 14, 2, mi) ||
      text[16] != ':' || !read_digits(text, 17, 2, ss)) {
    return bad_time(text, "expected YYYY-MM-DDTHH:MM:SS");
  }
  if (hh > 23 || mi > 59 || ss > 59) return bad_time(text, "time of day out of range");
  std::size_t pos = 19;
  unsigned frac_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    std::size_t n = pos - start;
    if (n == 0 || n > 9) return bad_time(text, "bad fractional seconds");
    unsigned v = 0;
    (void)read_digits(text, start, n < 3 ? n : 3, v);
    for (std::size_t i = n; i < 3; ++i) v *= 10;
    frac_ms = v;
  }
  auto zone = parse_zone(text, text.substr(pos));
  if (!zone) return zone.error();
  std::int64_t ms = *day_ms + (static_cast<std::int64_t>(hh) * 3600 + mi * 60 + ss) * 1000 +
                    frac_ms - static_cast<std::int64_t>(*zone) * 60'000;
  // The zone can move a time at the edge of the range into year 1699 or 4001, which would
  // format into text that parse() refuses.
  if (ms < days_from_civil(1700, 1, 1) * kMsPerDay || ms >= days_from_civil(4001, 1, 1) * kMsPerDay) {
    return bad_time(text, "year out of range");
  }
  return Timestamp(ms);
}

Result<Timestamp> Timestamp::parse_cli(std::string_view text, Timestamp now) {
  if (text == "now") return now;
  if (text.size() >= 3 && text[0] == '-') return parse_relative(text, now);
  return parse(text);
}

Timestamp Timestamp::now() {
  auto since = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(since).count());
}

namespace {

struct Parts {
  Civil date;
  unsigned hh, mi, ss, ms;
  unsigned weekday;  // 0 = Sunday
};

Parts split(std::int64_t ms) {
  std::int64_t days = ms >= 0 ? ms / kMsPerDay : -((-ms + kMsPerDay - 1) / kMsPerDay);
  auto rem = static_cast<unsigned>(ms - days * kMsPerDay);
  Parts p{civil_from_days(days), rem / 3'600'000, rem / 60'000 % 60, rem / 1000 % 60, rem % 1000,
          static_cast<unsigned>((days % 7 + 11) % 7)};
  return p;
}

}  // namespace

std::string Timestamp::to_salesforce() const {
  Parts p = split(ms_);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000", p.date.y, p.date.m,
                     p.date.d, p.hh, p.mi, p.ss, p.ms);
}

std::string Timestamp::to_iso() const {
  Parts p = split(ms_);
  if (p.date.y < 0 || p.date.y > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", p.date.y, p.date.m,
                       p.date.d, p.hh, p.mi, p.ss, p.ms);
  }
  // Every stored row's changed_at goes through here: digits by hand, not through fmt.
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&](std::size_t end, std::int64_t v) {
    for (std::size_t i = end; v > 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  };
  put(3, p.date.y);
  put(6, p.date.m);
  put(9, p.date.d);
  put(12, p.hh);
  put(15, p.mi);
  put(18, p.ss);
  put(22, p.ms);
  return out;
}

std::string Timestamp::to_soql() const {
  Parts p = split(ms_);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", p.date.y, p.date.m, p.date.d, p.hh,
                     p.mi, p.ss);
}

std::string Timestamp::to_date() const {
  Parts p = split(ms_);
  return fmt::format("{:04}-{:02}-{:02}", p.date.y, p.date.m, p.date.d);
}

std::string Timestamp::to_http_date() const {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Parts p = split(ms_);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[p.weekday], p.date.d,
                     kMonths[p.date.m - 1], p.date.y, p.hh, p.mi, p.ss);
}

Result<Window> Window::make(Timestamp from, Timestamp to) {
  if (from >= to) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("invalid window: from {} is not before to {}", from.to_iso(),
                                  to.to_iso()));
  }
  return Window(from, to);
}

}  // namespace sfrewind
