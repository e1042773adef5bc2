// A tokenizer and recursive-descent parser for the SOQL subset (SELECT ... FROM ... WHERE ...
// ORDER BY ... LIMIT ... OFFSET).
#include "emu/soql.hpp"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

namespace sfrewind::emu {
namespace {

struct Token {
  enum class Kind { kIdent, kString, kNumber, kDateTime, kDate, kPunct, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  std::size_t pos = 0;
};

// The text of a SOQL escape sequence `\c` (Salesforce's list). `\%` and `\_` keep their
// backslash so LIKE can tell a literal wildcard from a pattern one.
std::string unescape(char c) {
  switch (c) {
    case 'n': case 'N': return "\n";
    case 'r': case 'R': return "\r";
    case 't': case 'T': return "\t";
    case 'b': case 'B': return "\b";
    case 'f': case 'F': return "\f";
    case '%': case '_': return std::string{'\\', c};
    default: return std::string(1, c);
  }
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<Query> run() {
    if (auto e = tokenize(); !e) return e.error();
    Query q;
    if (!keyword("SELECT")) return fail();
    if (auto s = select_list(q); !s) return s.error();
    if (!keyword("FROM")) return fail();
    if (peek().kind != Token::Kind::kIdent) return fail();
    q.from = next().text;
    if (keyword("WHERE")) {
      auto e = or_expr();
      if (!e) return e.error();
      q.where = std::move(*e);
    }
    if (keyword("ORDER")) {
      if (!keyword("BY")) return fail();
      if (auto s = order_list(q); !s) return s.error();
    }
    if (keyword("LIMIT")) {
      if (peek().kind != Token::Kind::kNumber) return fail();
      q.limit = std::strtoll(next().text.c_str(), nullptr, 10);
    }
    if (keyword("OFFSET")) {
      if (peek().kind != Token::Kind::kNumber) return fail();
      q.offset = std::strtoll(next().text.c_str(), nullptr, 10);
    }
    if (peek().kind != Token::Kind::kEnd) return fail();
    return q;
  }

 private:
  Error fail() const {
    const Token& t = toks_[std::min(i_, toks_.size() - 1)];
    std::string what = t.kind == Token::Kind::kEnd ? "<EOF>" : t.text;
    Error e = make_error(ErrorCode::kApi,
                         fmt::format("\n{}\n{}^\nERROR at Row:1:Column:{}\nunexpected token: '{}'",
                                     s_, std::string(t.pos, ' '), t.pos + 1, what));
    e.api_code = "MALFORMED_QUERY";
    return e;
  }
  Error fail_at(std::size_t pos, std::string_view what) const {
    Error e = make_error(ErrorCode::kApi, fmt::format("\n{}\nERROR at Row:1:Column:{}\n{}", s_, pos + 1, what));
    e.api_code = "MALFORMED_QUERY";
    return e;
  }
  Status tokenize() {
    std::size_t p = 0;
    while (p < s_.size()) {
      char c = s_[p];
      if (std::isspace(static_cast<unsigned char>(c))) { ++p; continue; }
      Token t;
      t.pos = p;
      if (c == '\'') {
        t.kind = Token::Kind::kString;
        ++p;
        while (p < s_.size() && s_[p] != '\'') {
          if (s_[p] == '\\' && p + 1 < s_.size()) {
            t.text += unescape(s_[++p]);
          } else {
            t.text += s_[p];
          }
          ++p;
        }
        if (p >= s_.size()) return fail_at(t.pos, "unterminated string literal");
        ++p;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && p + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p + 1])))) {
        std::size_t start = p++;
        while (p < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p])) || s_[p] == '.' ||
                                 s_[p] == ':' || s_[p] == '-' || s_[p] == '+')) {
          ++p;
        }
        t.text = std::string(s_.substr(start, p - start));
        t.kind = t.text.find('T') != std::string::npos ? Token::Kind::kDateTime
                 : t.text.size() == 10 && t.text[4] == '-' ? Token::Kind::kDate
                                                          : Token::Kind::kNumber;
      } else if (ident_char(c)) {
        std::size_t start = p;
        while (p < s_.size() && ident_char(s_[p])) ++p;
        t.kind = Token::Kind::kIdent;
        t.text = std::string(s_.substr(start, p - start));
      } else {
        t.kind = Token::Kind::kPunct;
        std::string two(s_.substr(p, 2));
        if (two == "!=" || two == "<=" || two == ">=" || two == "<>") {
          t.text = two;
          p += 2;
        } else if (std::string_view("(),=<>").find(c) != std::string_view::npos) {
          t.text = std::string(1, c);
          ++p;
        } else {
          return fail_at(p, fmt::format("unexpected character: '{}'", c));
        }
      }
      toks_.push_back(std::move(t));
    }
    Token end;
    end.pos = s_.size();
    toks_.push_back(end);
    return ok();
  }
  const Token& peek(std::size_t k = 0) const { return toks_[std::min(i_ + k, toks_.size() - 1)]; }
  const Token& next() { return toks_[std::min(i_++, toks_.size() - 1)]; }
  bool is_kw(const Token& t, std::string_view kw) const {
    return t.kind == Token::Kind::kIdent && to_lower(t.text) == to_lower(kw);
  }
  bool keyword(std::string_view kw) {
    if (!is_kw(peek(), kw)) return false;
    ++i_;
    return true;
  }
  bool punct(std::string_view p) {
    if (peek().kind != Token::Kind::kPunct || peek().text != p) return false;
    ++i_;
    return true;
  }
  static bool reserved(const std::string& w) {
    static const char* kWords[] = {"select", "from", "where", "order", "by", "limit", "offset",
                                   "and", "or", "not", "in", "like", "asc", "desc", "nulls"};
    std::string l = to_lower(w);
    for (const char* k : kWords) {
      if (l == k) return true;
    }
    return false;
  }
  Result<Path> path() {
    const Token& t = peek();
    if (t.kind != Token::Kind::kIdent || reserved(t.text)) return fail();
    Path p;
    p.text = next().text;
    std::size_t start = 0;
    for (std::size_t k = 0; k <= p.text.size(); ++k) {
      if (k == p.text.size() || p.text[k] == '.') {
        if (k == start) return fail();
        p.parts.push_back(p.text.substr(start, k - start));
        start = k + 1;
      }
    }
    return p;
  }
  Status select_list(Query& q) {
    if (is_kw(peek(), "COUNT") && peek(1).text == "(" && peek(2).text == ")") {
      i_ += 3;
      q.count = true;
      return ok();
    }
    do {
      auto p = path();
      if (!p) return p.error();
      q.select.push_back(std::move(*p));
    } while (punct(","));
    return ok();
  }
  Status order_list(Query& q) {
    do {
      auto p = path();
      if (!p) return p.error();
      OrderKey k{std::move(*p), false, false};
      if (keyword("DESC")) k.desc = true;
      else keyword("ASC");
      k.nulls_last = k.desc;
      if (keyword("NULLS")) {
        if (keyword("LAST")) k.nulls_last = true;
        else if (keyword("FIRST")) k.nulls_last = false;
        else return fail();
      }
      q.order.push_back(std::move(k));
    } while (punct(","));
    return ok();
  }
  Result<Val> literal() {
    const Token& t = peek();
    switch (t.kind) {
      case Token::Kind::kString: next(); return Val::str(t.text);
      case Token::Kind::kNumber: {
        char* end = nullptr;
        double d = std::strtod(t.text.c_str(), &end);
        if (*end != '\0') return fail();
        next();
        return Val::number(d);
      }
      case Token::Kind::kDate: {
        std::int64_t days = 0;
        if (!parse_ymd(t.text, &days)) return fail();
        next();
        return Val::date(t.text);
      }
      case Token::Kind::kDateTime: {
        auto ts = Timestamp::parse(t.text);
        if (!ts || t.text.size() < 20) return fail();
        next();
        return Val::datetime(ts->ms());
      }
      case Token::Kind::kIdent: {
        std::string l = to_lower(t.text);
        if (l == "true" || l == "false") { next(); return Val::boolean(l == "true"); }
        if (l == "null") { next(); return Val(); }
        return fail();
      }
      default: return fail();
    }
  }
  Result<Expr> or_expr() {
    auto first = and_expr();
    if (!first) return first;
    if (!is_kw(peek(), "OR")) return first;
    Expr e;
    e.kind = Expr::Kind::kOr;
    e.kids.push_back(std::move(*first));
    while (keyword("OR")) {
      auto k = and_expr();
      if (!k) return k;
      e.kids.push_back(std::move(*k));
    }
    return e;
  }
  Result<Expr> and_expr() {
    auto first = unary();
    if (!first) return first;
    if (!is_kw(peek(), "AND")) return first;
    Expr e;
    e.kind = Expr::Kind::kAnd;
    e.kids.push_back(std::move(*first));
    while (keyword("AND")) {
      auto k = unary();
      if (!k) return k;
      e.kids.push_back(std::move(*k));
    }
    return e;
  }
  Result<Expr> unary() {
    if (keyword("NOT")) {
      auto k = unary();
      if (!k) return k;
      Expr e;
      e.kind = Expr::Kind::kNot;
      e.kids.push_back(std::move(*k));
      return e;
    }
    if (punct("(")) {
      auto e = or_expr();
      if (!e) return e;
      if (!punct(")")) return fail();
      return e;
    }
    return condition();
  }
  Result<Expr> condition() {
    auto p = path();
    if (!p) return p.error();
    Expr e;
    e.cond.path = std::move(*p);
    using Op = Condition::Op;
    bool list = false;
    if (keyword("IN")) {
      e.cond.op = Op::kIn;
      list = true;
    } else if (is_kw(peek(), "NOT") && is_kw(peek(1), "IN")) {
      i_ += 2;
      e.cond.op = Op::kNotIn;
      list = true;
    } else if (keyword("LIKE")) {
      e.cond.op = Op::kLike;
    } else {
      const Token& t = peek();
      if (t.kind != Token::Kind::kPunct) return fail();
      static const std::pair<const char*, Op> kOps[] = {{"=", Op::kEq}, {"!=", Op::kNe}, {"<>", Op::kNe},
                                                        {"<", Op::kLt}, {"<=", Op::kLe}, {">", Op::kGt},
                                                        {">=", Op::kGe}};
      bool found = false;
      for (const auto& [text, op] : kOps) {
        if (t.text == text) { e.cond.op = op; found = true; }
      }
      if (!found) return fail();
      next();
    }
    if (!list) {
      auto v = literal();
      if (!v) return v.error();
      e.cond.values.push_back(std::move(*v));
      return e;
    }
    if (!punct("(")) return fail();
    do {
      auto v = literal();
      if (!v) return v.error();
      e.cond.values.push_back(std::move(*v));
    } while (punct(","));
    if (!punct(")")) return fail();
    return e;
  }

  std::string_view s_;
  std::vector<Token> toks_;
  std::size_t i_ = 0;
};

}  // namespace

Result<Query> parse_soql(std::string_view text) { return Parser(text).run(); }

}  // namespace sfrewind::emu
