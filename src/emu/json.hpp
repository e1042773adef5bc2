// A small JSON value, parser and hand-written writer for the emulator (numbers keep their text).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sfrewind/error.hpp>

namespace sfrewind::emu {

// A parsed JSON value. Objects keep their keys in document order.
// Thread-safety: a value type.
class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json boolean(bool b);
  static Json number(std::string digits);
  static Json string(std::string s);
  static Json array() { Json j; j.type_ = Type::kArray; return j; }
  static Json object() { Json j; j.type_ = Type::kObject; return j; }

  // Parses a whole document. Returns kParse with the byte offset on malformed input.
  static Result<Json> parse(std::string_view text);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_string() const { return type_ == Type::kString; }
  // Bool value, number text or string value.
  const std::string& text() const { return text_; }
  bool as_bool() const { return text_ == "true"; }
  double as_double() const;
  std::int64_t as_int(std::int64_t fallback = 0) const;
  const std::vector<Json>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }
  // Returns the member named `key` or nullptr.
  const Json* find(std::string_view key) const;
  std::string str(std::string_view key, std::string fallback = "") const;

  void push(Json v) { items_.push_back(std::move(v)); }
  void set(std::string key, Json v) { members_.emplace_back(std::move(key), std::move(v)); }

  // Serialises the value compactly.
  std::string dump() const;
  void dump_to(std::string& out) const;

 private:
  Type type_ = Type::kNull;
  std::string text_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

// Appends `s` as a quoted, escaped JSON string.
void append_quoted(std::string& out, std::string_view s);

// A streaming writer that tracks commas; keys and values are appended in order.
class JsonWriter {
 public:
  void begin_object() { sep(); out_ += '{'; first_ = true; }
  void end_object() { out_ += '}'; first_ = false; }
  void begin_array() { sep(); out_ += '['; first_ = true; }
  void end_array() { out_ += ']'; first_ = false; }
  void key(std::string_view k) { sep(); append_quoted(out_, k); out_ += ':'; first_ = true; }
  void string(std::string_view s) { sep(); append_quoted(out_, s); }
  void raw(std::string_view literal) { sep(); out_ += literal; }
  void null() { raw("null"); }
  void boolean(bool b) { raw(b ? "true" : "false"); }
  void integer(std::int64_t v) { raw(std::to_string(v)); }
  void kv(std::string_view k, std::string_view s) { key(k); string(s); }
  void kv_raw(std::string_view k, std::string_view lit) { key(k); raw(lit); }
  void kv_int(std::string_view k, std::int64_t v) { key(k); integer(v); }
  void kv_bool(std::string_view k, bool b) { key(k); boolean(b); }
  std::string& out() { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace sfrewind::emu
