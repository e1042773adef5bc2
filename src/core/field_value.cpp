// FieldValue: decoding history values and encoding them for a field's describe type.
#include <fmt/format.h>

#include <sfrewind/types.hpp>

namespace sfrewind {
namespace {

bool is_number_text(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits) {
      std::size_t j = i + 1;
      if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
      if (j >= s.size()) return false;
      for (; j < s.size(); ++j) if (s[j] < '0' || s[j] > '9') return false;
      return true;
    } else {
      return false;
    }
  }
  return digits;
}

// A JSON number literal for `s`: no leading '+', a zero before a bare '.', none after.
std::string json_number(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (!s.empty() && s[0] == '-') {
    out.push_back('-');
    s.remove_prefix(1);
  }
  if (!s.empty() && s[0] == '.') out.push_back('0');
  out.append(s);
  if (!out.empty() && out.back() == '.') out.push_back('0');
  return out;
}

bool is_date_type(std::string_view t) { return t == "DateOnly" || t == "Date"; }
bool is_number_type(std::string_view t) {
  return t == "Currency" || t == "Double" || t == "Percent" || t == "Number" || t == "Integer";
}

// Normalises a decimal text for comparison: strips sign of zero, leading zeros, trailing
// fractional zeros. Exponents are kept as they are (rare in history values).
std::string canonical_number(std::string_view s) {
  std::string sign;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') sign = "-";
    s.remove_prefix(1);
  }
  std::string_view int_part = s, frac;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    int_part = s.substr(0, dot);
    frac = s.substr(dot + 1);
  }
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (int_part.empty()) int_part = "0";
  std::string out(int_part);
  if (!frac.empty()) {
    out.push_back('.');
    out.append(frac);
  }
  if (out != "0" && !sign.empty()) out.insert(out.begin(), '-');
  return out;
}

Error bad_value(const FieldValue& v, std::string_view type) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("value '{}' cannot be written to a {} field", v.text(), type));
}

}  // namespace

FieldValue FieldValue::from_history(const JsonScalar& scalar, std::string_view data_type) {
  switch (scalar.kind) {
    case JsonScalar::Kind::kNull: return null();
    case JsonScalar::Kind::kBool: return boolean(scalar.text == "true");
    case JsonScalar::Kind::kNumber: return number(scalar.text);
    case JsonScalar::Kind::kString: break;
  }
  return from_stored(scalar.text, data_type);
}

FieldValue FieldValue::from_stored(const std::optional<std::string>& text,
                                   std::string_view data_type) {
  if (!text) return null();
  const std::string& s = *text;
  if (data_type == "Boolean" && (s == "true" || s == "false")) return boolean(s == "true");
  if (is_number_type(data_type) && is_number_text(s)) return number(s);
  if (is_date_type(data_type) && Timestamp::parse(s) && s.size() == 10) return date(s);
  if (data_type == "DateTime" && Timestamp::parse(s)) return datetime(s);
  if (data_type == "EntityId") {
    if (auto id = RecordId::parse(s)) return FieldValue::id(*id);
  }
  return text_value(s);
}

FieldValue FieldValue::text_value(std::string s) { return FieldValue(Kind::kText, std::move(s)); }

std::optional<std::string> FieldValue::stored() const {
  if (is_null()) return std::nullopt;
  return text_;
}

Result<std::string> FieldValue::to_json(std::string_view type) const {
  if (is_null()) return std::string("null");
  if (type == "boolean") {
    if (text_ == "true" || text_ == "false") return text_;
    return bad_value(*this, type);
  }
  if (type == "currency" || type == "double" || type == "percent" || type == "int" ||
      type == "long") {
    if (is_number_text(text_)) return json_number(text_);
    return bad_value(*this, type);
  }
  if (type == "date") {
    auto t = Timestamp::parse(text_);
    if (!t) return bad_value(*this, type);
    return json_quote(t->to_date());
  }
  if (type == "datetime") {
    auto t = Timestamp::parse(text_);
    if (!t) return bad_value(*this, type);
    return json_quote(t->to_iso());
  }
  if (type == "reference" || type == "id") {
    auto id = RecordId::parse(text_);
    if (!id) return bad_value(*this, type);
    return json_quote(id->str());
  }
  return json_quote(text_);
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

bool same_value(const FieldValue& a, const FieldValue& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  bool a_num = a.kind() == FieldValue::Kind::kNumber || is_number_text(a.text());
  bool b_num = b.kind() == FieldValue::Kind::kNumber || is_number_text(b.text());
  if ((a.kind() == FieldValue::Kind::kNumber || b.kind() == FieldValue::Kind::kNumber) && a_num &&
      b_num) {
    return canonical_number(a.text()) == canonical_number(b.text());
  }
  if (a.kind() == FieldValue::Kind::kId || b.kind() == FieldValue::Kind::kId) {
    auto ia = RecordId::parse(a.text());
    auto ib = RecordId::parse(b.text());
    if (ia && ib) return *ia == *ib;
  }
  return a.text() == b.text();
}

}  // namespace sfrewind
