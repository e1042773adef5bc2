// SOQL safety: identifier checks and literal escaping for anything user-supplied.
#include <sfrewind/api/soql.hpp>

#include <cctype>

namespace sfrewind::api {
namespace {

bool valid_segment(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  if (!std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  if (s.back() == '_') return false;
  int double_underscores = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '_') return false;
    if (c == '_' && i + 1 < s.size() && s[i + 1] == '_') {
      if (i + 2 < s.size() && s[i + 2] == '_') return false;  // no "___"
      ++double_underscores;
      ++i;
    }
  }
  return double_underscores <= 2;  // ns__Name__c at most
}

}  // namespace

Status validate_identifier(std::string_view name) {
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string_view segment = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!valid_segment(segment)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "not a valid Salesforce API name: '" + std::string(name.substr(0, 80)) + "'");
    }
    if (dot == std::string_view::npos) return ok();
    start = dot + 1;
  }
}

std::string escape_soql(std::string_view s, bool for_like) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '%':
      case '_':
        if (for_like) out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string quote_soql(std::string_view s, bool for_like) {
  std::string out(1, '\'');
  out += escape_soql(s, for_like);
  out += '\'';
  return out;
}

std::string soql_datetime(Timestamp t) { return t.to_soql(); }

}  // namespace sfrewind::api
