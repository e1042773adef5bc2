// Json: a recursive-descent parser that keeps number text, and a compact serialiser.
#include "emu/json.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace sfrewind::emu {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<Json> document() {
    auto v = value(0);
    if (!v) return v;
    ws();
    if (pos_ != s_.size()) return fail("trailing characters");
    return v;
  }

 private:
  Error fail(std::string_view what) const {
    return make_error(ErrorCode::kParse, fmt::format("json: {} at offset {}", what, pos_));
  }
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' ||
                                s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  Result<Json> value(int depth) {
    if (depth > 200) return fail("nesting too deep");
    ws();
    if (pos_ >= s_.size()) return fail("unexpected end");
    char c = s_[pos_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      auto str = string();
      if (!str) return str.error();
      return Json::string(std::move(*str));
    }
    if (literal("true")) return Json::boolean(true);
    if (literal("false")) return Json::boolean(false);
    if (literal("null")) return Json();
    return number();
  }
  Result<Json> number() {
    std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                                s_[pos_] == '+' || s_[pos_] == '-')) {
      ++pos_;
    }
    if (pos_ == start || (pos_ == start + 1 && s_[start] == '-')) return fail("unexpected character");
    return Json::number(std::string(s_.substr(start, pos_ - start)));
  }
  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  Result<unsigned> hex4() {
    if (pos_ + 4 > s_.size()) return fail("bad escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
      else return fail("bad escape");
    }
    return v;
  }
  Result<std::string> string() {
    ++pos_;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          auto cp = hex4();
          if (!cp) return cp.error();
          unsigned v = *cp;
          if (v >= 0xD800 && v < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            auto lo = hex4();
            if (!lo) return lo.error();
            v = 0x10000 + ((v - 0xD800) << 10) + (*lo - 0xDC00);
          }
          utf8(out, v);
          break;
        }
        default: out += e;
      }
    }
    if (pos_ >= s_.size()) return fail("unterminated string");
    ++pos_;
    return out;
  }
  Result<Json> array(int depth) {
    ++pos_;
    Json arr = Json::array();
    ws();
    if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return arr; }
    while (true) {
      auto v = value(depth + 1);
      if (!v) return v;
      arr.push(std::move(*v));
      ws();
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return arr; }
      return fail("expected , or ]");
    }
  }
  Result<Json> object(int depth) {
    ++pos_;
    Json obj = Json::object();
    ws();
    if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return obj; }
    while (true) {
      ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected key");
      auto k = string();
      if (!k) return k.error();
      ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected :");
      ++pos_;
      auto v = value(depth + 1);
      if (!v) return v;
      obj.set(std::move(*k), std::move(*v));
      ws();
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return obj; }
      return fail("expected , or }");
    }
  }
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Json Json::boolean(bool b) {
  Json j;
  j.type_ = Type::kBool;
  j.text_ = b ? "true" : "false";
  return j;
}
Json Json::number(std::string digits) {
  Json j;
  j.type_ = Type::kNumber;
  j.text_ = std::move(digits);
  return j;
}
Json Json::string(std::string s) {
  Json j;
  j.type_ = Type::kString;
  j.text_ = std::move(s);
  return j;
}

Result<Json> Json::parse(std::string_view text) { return Parser(text).document(); }

double Json::as_double() const { return std::strtod(text_.c_str(), nullptr); }

std::int64_t Json::as_int(std::int64_t fallback) const {
  if (type_ != Type::kNumber && type_ != Type::kString) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(text_.c_str(), &end, 10);
  return end == text_.c_str() ? fallback : v;
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string Json::str(std::string_view key, std::string fallback) const {
  const Json* j = find(key);
  return (j && !j->is_null() && j->type_ != Type::kArray && j->type_ != Type::kObject) ? j->text_
                                                                                        : fallback;
}

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void Json::dump_to(std::string& out) const {
  switch (type_) {
    case Type::kNull: out += "null"; break;
    case Type::kBool:
    case Type::kNumber: out += text_; break;
    case Type::kString: append_quoted(out, text_); break;
    case Type::kArray:
      out += '[';
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ',';
        items_[i].dump_to(out);
      }
      out += ']';
      break;
    case Type::kObject:
      out += '{';
      for (std::size_t i = 0; i < members_.size(); ++i) {
        if (i) out += ',';
        append_quoted(out, members_[i].first);
        out += ':';
        members_[i].second.dump_to(out);
      }
      out += '}';
      break;
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

}  // namespace sfrewind::emu
