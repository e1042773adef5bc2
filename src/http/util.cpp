// Headers, URL checks and encodings for the transport.
#include <algorithm>
#include <cctype>
#include <charconv>

#include <sfrewind/http/client.hpp>

namespace sfrewind::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ipv4_loopback(std::string_view host) {
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    std::size_t dot = host.find('.', pos);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view part = host.substr(pos, dot - pos);
    int value = -1;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || value > 255) {
      return false;
    }
    if (parts == 0 && value != 127) return false;
    ++parts;
    pos = dot + 1;
  }
  return parts == 4;
}

// The host of an absolute URL, lower-cased, without brackets, port or userinfo.
std::string url_host(std::string_view url) {
  std::size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view rest = url.substr(start + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return {};
    return lower(authority.substr(1, close - 1));
  }
  return lower(authority.substr(0, authority.find(':')));
}

}  // namespace

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPatch: return "PATCH";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
  }
  return "GET";
}

void Headers::set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
  fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<ApiUsage> parse_limit_info(std::string_view value) {
  constexpr std::string_view kKey = "api-usage=";
  std::size_t pos = value.find(kKey);
  if (pos == std::string_view::npos) return std::nullopt;
  const char* p = value.data() + pos + kKey.size();
  const char* end = value.data() + value.size();
  ApiUsage usage;
  auto r1 = std::from_chars(p, end, usage.used);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != '/') return std::nullopt;
  auto r2 = std::from_chars(r1.ptr + 1, end, usage.max);
  if (r2.ec != std::errc() || usage.max <= 0 || usage.used < 0) return std::nullopt;
  return usage;
}

bool is_loopback_url(std::string_view url) {
  std::string host = url_host(url);
  return host == "localhost" || host == "::1" || is_ipv4_loopback(host);
}

Status check_url_allowed(std::string_view url) {
  std::string scheme = lower(url.substr(0, url.find("://")));
  if (url.find("://") == std::string_view::npos || (scheme != "https" && scheme != "http")) {
    return make_error(ErrorCode::kInvalidArgument, "URL must start with https:// (got " +
                                                       std::string(url.substr(0, 40)) + ")");
  }
  std::string host = url_host(url);
  if (host.empty()) return make_error(ErrorCode::kInvalidArgument, "URL has no host");
  if (scheme == "https") return ok();
  if (host == "localhost" || host == "::1" || is_ipv4_loopback(host)) return ok();
  return make_error(ErrorCode::kInvalidArgument,
                    "plain http:// is allowed only to loopback hosts, not " + host +
                        "; use https://");
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(name);
    out += '=';
    out += url_encode(value);
  }
  return out;
}

}  // namespace sfrewind::http
