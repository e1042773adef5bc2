// The plan files' JSON writer and strict reader.
#include "rollback/json.hpp"

#include <fmt/format.h>

#include <sfrewind/types.hpp>

#include "core/huge_pages.hpp"

namespace sfrewind::rollback::json {

void Writer::reserve(std::size_t bytes) {
  constexpr std::size_t kHugeFrom = std::size_t{8} << 20;
  out_.reserve(bytes);
  if (bytes >= kHugeFrom) advise_huge_pages(out_.data(), out_.capacity());
}

void Writer::newline() {
  out_.push_back('\n');
  out_.append(has_items_.size() * 2, ' ');
}

std::string Writer::take() {
  if (sink_) flush();
  return std::move(out_);
}

void Writer::flush() {
  sink_(out_);
  out_.clear();
}

void Writer::before_value() {
  constexpr std::size_t kPiece = 64 * 1024;
  if (sink_ && out_.size() >= kPiece) flush();
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_items_.empty()) return;
  if (has_items_.back()) out_.push_back(',');
  has_items_.back() = true;
  if (pretty_) newline();
}

void Writer::open(char c) {
  before_value();
  out_.push_back(c);
  has_items_.push_back(false);
}

void Writer::close(char c) {
  bool had = has_items_.back();
  has_items_.pop_back();
  if (pretty_ && had) newline();
  out_.push_back(c);
}

// Appends `s` quoted; the common case (nothing to escape) is one append.
void Writer::quote(std::string_view s) {
  bool plain = true;
  for (char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
      break;
    }
  }
  if (!plain) {
    out_ += json_quote(s);
    return;
  }
  out_.push_back('"');
  out_.append(s);
  out_.push_back('"');
}

void Writer::key(std::string_view k) {
  before_value();
  quote(k);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
}

void Writer::string(std::string_view s) {
  before_value();
  quote(s);
}

void Writer::optional_string(const std::optional<std::string>& s) {
  if (s) {
    string(*s);
  } else {
    raw("null");
  }
}

void Writer::raw(std::string_view literal) {
  before_value();
  out_.append(literal);
}

void Writer::number(std::uint64_t n) {
  before_value();
  out_ += std::to_string(n);
}

const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<Value> document() {
    Value v;
    if (!value(v, 0)) return error();
    skip_ws();
    if (pos_ != s_.size()) return fail("unexpected text after the document"), error();
    return v;
  }

 private:
  Error error() const {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("malformed JSON at byte {}: {}", err_pos_, err_));
  }
  bool fail(const char* why) {
    if (err_.empty()) {
      err_ = why;
      err_pos_ = pos_;
    }
    return false;
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("unknown literal");
    pos_ += word.size();
    return true;
  }

  bool value(Value& v, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    skip_ws();
    if (pos_ >= s_.size()) return fail("unexpected end");
    v.begin = pos_;
    bool ok = dispatch(v, depth);
    v.end = pos_;
    return ok;
  }

  bool dispatch(Value& v, int depth) {
    char c = s_[pos_];
    switch (c) {
      case '{': v.kind = Value::Kind::kObject; return object(v, depth);
      case '[': v.kind = Value::Kind::kArray; return array(v, depth);
      case '"': v.kind = Value::Kind::kString; return string(v.text);
      case 't': v.kind = Value::Kind::kBool; v.text = "true"; return literal("true");
      case 'f': v.kind = Value::Kind::kBool; v.text = "false"; return literal("false");
      case 'n': v.kind = Value::Kind::kNull; return literal("null");
      default: v.kind = Value::Kind::kNumber; return number(v.text);
    }
  }

  bool object(Value& v, int depth) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, true;
    while (true) {
      skip_ws();
      std::string k;
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a member name");
      if (!string(k)) return false;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      Value member;
      if (!value(member, depth + 1)) return false;
      v.members.emplace_back(std::move(k), std::move(member));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, true;
      return fail("expected ',' or '}'");
    }
  }

  bool array(Value& v, int depth) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, true;
    while (true) {
      Value item;
      if (!value(item, depth + 1)) return false;
      v.items.push_back(std::move(item));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, true;
      return fail("expected ',' or ']'");
    }
  }

  bool digits() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number(std::string& out) {
    std::size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("expected a value");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return fail("expected digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return fail("expected exponent digits");
    }
    out.assign(s_.substr(start, pos_ - start));
    return true;
  }

  bool hex4(std::uint32_t& cp) {
    if (pos_ + 4 > s_.size()) return fail("short \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char h = s_[pos_++];
      std::uint32_t d = 0;
      if (h >= '0' && h <= '9') d = static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') d = static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') d = static_cast<std::uint32_t>(h - 'A' + 10);
      else return fail("bad \\u escape");
      cp = cp * 16 + d;
    }
    return true;
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    auto byte = [](std::uint32_t b) { return static_cast<char>(static_cast<unsigned char>(b)); };
    if (cp < 0x80) {
      out.push_back(byte(cp));
    } else if (cp < 0x800) {
      out.push_back(byte(0xC0 | (cp >> 6)));
      out.push_back(byte(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(byte(0xE0 | (cp >> 12)));
      out.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(byte(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(byte(0xF0 | (cp >> 18)));
      out.push_back(byte(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(byte(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(byte(0x80 | (cp & 0x3F)));
    }
  }

  bool unicode_escape(std::string& out) {
    std::uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (s_.substr(pos_, 2) != "\\u") return fail("lone surrogate");
      pos_ += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return fail("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return fail("lone surrogate");
    }
    put_utf8(out, cp);
    return true;
  }

  bool escape(std::string& out) {
    if (pos_ >= s_.size()) return fail("unterminated string");
    char e = s_[pos_++];
    switch (e) {
      case '"': out.push_back('"'); return true;
      case '\\': out.push_back('\\'); return true;
      case '/': out.push_back('/'); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': return unicode_escape(out);
      default: return fail("bad escape");
    }
  }

  bool string(std::string& out) {
    ++pos_;  // the opening quote
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c == '\\') {
        if (!escape(out)) return false;
      } else {
        out.push_back(c);
      }
    }
    return fail("unterminated string");
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string err_;
  std::size_t err_pos_ = 0;
};

}  // namespace

Result<Value> parse(std::string_view text) { return Parser(text).document(); }

}  // namespace sfrewind::rollback::json
