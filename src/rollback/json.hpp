// A streaming JSON writer and a small strict recursive-descent reader for plan files
// (private to rollback; simdjson stays in src/api).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sfrewind/error.hpp>

namespace sfrewind::rollback::json {

// Writes JSON into a string, compact or pretty (2-space indent, "key": value).
// Callers keep begin/end and key/value calls balanced. With a `sink`, the text is handed to it
// in pieces of about 64 KiB instead (take() hands on the rest and returns ""): a hash of a
// 50 MB plan need not hold the plan's text.
class Writer {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit Writer(bool pretty, Sink sink = {}) : pretty_(pretty), sink_(std::move(sink)) {}
  // Room for `bytes` of text at once, rather than growing (and copying) it step by step; tens
  // of megabytes of it in huge pages.
  void reserve(std::size_t bytes);

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);
  void string(std::string_view s);
  void optional_string(const std::optional<std::string>& s);
  // Writes `literal` as is: it must already be valid compact JSON.
  void raw(std::string_view literal);
  void number(std::uint64_t n);
  void boolean(bool b) { raw(b ? "true" : "false"); }

  std::string take();

 private:
  void flush();  // hands out_ to the sink
  void before_value();
  void quote(std::string_view s);
  void open(char c);
  void close(char c);
  void newline();

  std::string out_;
  bool pretty_;
  Sink sink_;
  std::vector<bool> has_items_;
  bool after_key_ = false;
};

// A parsed JSON value. `begin`/`end` locate its text in the source.
struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // string: unescaped; number: literal; bool: "true"/"false"
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> members;
  std::size_t begin = 0;
  std::size_t end = 0;

  // The member named `key`, or nullptr.
  const Value* find(std::string_view key) const;
};

// Parses one JSON document (RFC 8259, nesting at most 64 deep, nothing after it but whitespace).
// Returns kInvalidArgument with the byte offset of the fault.
Result<Value> parse(std::string_view text);

}  // namespace sfrewind::rollback::json
