// Val: one field value inside the emulator, with its JSON form and ordering rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sfrewind::emu {

class JsonWriter;

// A typed scalar. Dates and datetimes keep their Salesforce text plus a number (epoch ms) for
// ordering; kRaw holds an already-encoded JSON literal (history OldValue/NewValue).
struct Val {
  enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kDate, kDateTime, kRaw };
  Kind kind = Kind::kNull;
  std::string text;
  double num = 0;

  static Val null() { return Val(); }
  static Val boolean(bool b) { return Val{Kind::kBool, b ? "true" : "false", b ? 1.0 : 0.0}; }
  static Val number(double d);
  static Val str(std::string s) { return Val{Kind::kString, std::move(s), 0}; }
  // REQUIRES: `ymd` is YYYY-MM-DD.
  static Val date(std::string ymd);
  static Val datetime(std::int64_t ms);
  static Val raw(std::string literal) { return Val{Kind::kRaw, std::move(literal), 0}; }

  bool is_null() const { return kind == Kind::kNull; }
  // The JSON literal for this value.
  std::string json() const;
  void write(JsonWriter& w) const;
};

// Formats a number the way the REST API does: integral values as `1500.0`.
std::string format_number(double d);
// Days since 1970-01-01 for a YYYY-MM-DD date, or false.
bool parse_ymd(std::string_view s, std::int64_t* days);
// Orders values: nulls first, numbers/dates by number, strings case-insensitively.
int compare_vals(const Val& a, const Val& b);
// SOQL equality: strings compare case-insensitively, everything else by value.
bool equal_vals(const Val& a, const Val& b);
std::string to_lower(std::string_view s);

}  // namespace sfrewind::emu
