// The SOQL subset the emulator understands: parse text into a Query.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/error.hpp>

#include "emu/value.hpp"

namespace sfrewind::emu {

// A dotted field path: `Profile.UserLicense.Name` -> {"Profile","UserLicense","Name"}.
struct Path {
  std::vector<std::string> parts;
  std::string text;
};

struct Condition {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kLike };
  Path path;
  Op op = Op::kEq;
  std::vector<Val> values;  // one value except for IN / NOT IN
};

struct Expr {
  enum class Kind { kAnd, kOr, kNot, kCond };
  Kind kind = Kind::kCond;
  std::vector<Expr> kids;
  Condition cond;
};

struct OrderKey {
  Path path;
  bool desc = false;
  bool nulls_last = false;
};

struct Query {
  std::vector<Path> select;
  bool count = false;  // SELECT COUNT()
  std::string from;
  std::optional<Expr> where;
  std::vector<OrderKey> order;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
};

// Parses `text`. Errors carry api_code MALFORMED_QUERY and a Salesforce-like message.
Result<Query> parse_soql(std::string_view text);

}  // namespace sfrewind::emu
