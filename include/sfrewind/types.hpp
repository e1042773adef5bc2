// Core value types: RecordId, Timestamp, Window and FieldValue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sfrewind/error.hpp>

namespace sfrewind {

// A Salesforce record id, always held in its 18-character case-safe form.
// Thread-safety: a value type; const methods may be called concurrently.
class RecordId {
 public:
  RecordId() = default;

  // Parses a 15- or 18-character id. A 15-character id gets its checksum suffix computed; an
  // 18-character id has its suffix verified (case-insensitively) and upper-cased.
  // Returns kInvalidArgument with a message naming the fault otherwise.
  static Result<RecordId> parse(std::string_view text);
  // What parse() accepts, without an error message or an allocation: writes the 18-character
  // form into `out` (reusing its buffer) and returns true, or returns false with `out` untouched.
  static bool normalize(std::string_view text, std::string& out);

  // Returns the three-character checksum suffix for a 15-character id body.
  // REQUIRES: `id15` is 15 ASCII alphanumerics.
  static std::string checksum(std::string_view id15);

  const std::string& str() const { return id_; }
  // The three-character key prefix ("001" for Account, "005" for User...).
  std::string_view key_prefix() const { return std::string_view(id_).substr(0, 3); }
  bool empty() const { return id_.empty(); }

  friend bool operator==(const RecordId&, const RecordId&) = default;
  friend auto operator<=>(const RecordId&, const RecordId&) = default;

 private:
  explicit RecordId(std::string id) : id_(std::move(id)) {}
  std::string id_;
};

// A point in time: UTC milliseconds since the Unix epoch.
class Timestamp {
 public:
  constexpr Timestamp() = default;
  constexpr explicit Timestamp(std::int64_t ms) : ms_(ms) {}

  // Parses an absolute time: `2026-03-10T12:34:56.000+0000`, `2026-03-10T12:34:56Z`,
  // `...+05:30`, fractional seconds of 1-3 digits optional, or a date `2026-03-10` (midnight
  // UTC). Returns kInvalidArgument naming the fault otherwise.
  static Result<Timestamp> parse(std::string_view text);

  // Parses what a user types on the command line: everything parse() accepts, `now`, and
  // relative forms `-72h`, `-7d`, `-30m`, `-45s` counted back from `now`.
  static Result<Timestamp> parse_cli(std::string_view text, Timestamp now);

  // The current wall-clock time.
  static Timestamp now();

  constexpr std::int64_t ms() const { return ms_; }

  // `2026-03-10T12:34:56.000+0000`, the form Salesforce sends.
  std::string to_salesforce() const;
  // `2026-03-10T12:34:56.000Z`, the form the store keeps.
  std::string to_iso() const;
  // `2026-03-10T12:34:56Z`, a SOQL datetime literal (whole seconds, rounded down).
  std::string to_soql() const;
  // `Tue, 10 Mar 2026 12:34:56 GMT`, the HTTP date form (If-Unmodified-Since).
  std::string to_http_date() const;
  // `2026-03-10`.
  std::string to_date() const;

  friend constexpr bool operator==(Timestamp, Timestamp) = default;
  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;

 private:
  std::int64_t ms_ = 0;
};

// A half-open time window [from, to).
class Window {
 public:
  // Returns kInvalidArgument when from >= to.
  static Result<Window> make(Timestamp from, Timestamp to);

  Timestamp from() const { return from_; }
  Timestamp to() const { return to_; }
  bool contains(Timestamp t) const { return from_ <= t && t < to_; }

 private:
  Window(Timestamp from, Timestamp to) : from_(from), to_(to) {}
  Timestamp from_;
  Timestamp to_;
};

// One JSON scalar as it arrived on the wire, before any typing: what the history decoder gives.
struct JsonScalar {
  enum class Kind { kNull, kBool, kNumber, kString };
  Kind kind = Kind::kNull;
  std::string text;  // bool: "true"/"false"; number: its digits untouched; string: unescaped
};

// A field value: null | boolean | number (exact decimal text) | text | date | datetime | id.
class FieldValue {
 public:
  enum class Kind { kNull, kBoolean, kNumber, kText, kDate, kDateTime, kId };

  FieldValue() = default;
  static FieldValue null() { return FieldValue(); }
  static FieldValue boolean(bool b) { return FieldValue(Kind::kBoolean, b ? "true" : "false"); }
  // REQUIRES: `digits` is a JSON number literal.
  static FieldValue number(std::string digits) { return FieldValue(Kind::kNumber, std::move(digits)); }
  static FieldValue text_value(std::string s);
  static FieldValue date(std::string ymd) { return FieldValue(Kind::kDate, std::move(ymd)); }
  static FieldValue datetime(std::string s) { return FieldValue(Kind::kDateTime, std::move(s)); }
  static FieldValue id(const RecordId& r) { return FieldValue(Kind::kId, r.str()); }

  // Decodes a history OldValue/NewValue from its JSON scalar and the row's DataType.
  static FieldValue from_history(const JsonScalar& scalar, std::string_view data_type);

  // Rebuilds a value from the store's text (SQL NULL = nullopt) and the history DataType.
  static FieldValue from_stored(const std::optional<std::string>& text, std::string_view data_type);

  // Encodes the value as a JSON literal for a field of describe type `describe_type`
  // ("boolean", "currency", "date", "reference", "string", ...). Returns kInvalidArgument when
  // the value cannot be written to such a field.
  Result<std::string> to_json(std::string_view describe_type) const;

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  // The value's text exactly as sent (digits untouched); empty for null.
  const std::string& text() const { return text_; }
  // The store's form: nullopt for null, the text otherwise.
  std::optional<std::string> stored() const;

  friend bool operator==(const FieldValue&, const FieldValue&) = default;

 private:
  FieldValue(Kind kind, std::string text) : kind_(kind), text_(std::move(text)) {}
  Kind kind_ = Kind::kNull;
  std::string text_;
};

// Returns `s` as a quoted JSON string with every needed escape.
std::string json_quote(std::string_view s);

// Returns true when two values are the same value for a field (numbers compared by value, so
// `1500` equals `1500.0`; text exactly).
bool same_value(const FieldValue& a, const FieldValue& b);

}  // namespace sfrewind
