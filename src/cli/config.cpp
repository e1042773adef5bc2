// Config file parsing with the permission rule for secrets.
#include "cli/config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sfrewind::cli {
namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

Error bad(const std::string& path, int line, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("config {}:{}: {}", path, line, why));
}

// Keeps an error message on one line whatever bytes the file held.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

bool known_key(const std::string& key) {
  return std::any_of(std::begin(kConfigKeys), std::end(kConfigKeys),
                     [&](const char* k) { return key == k; });
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& path) {
  Config config;
  int n = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++n;
    std::string trimmed = trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    auto eq = trimmed.find('=');
    if (eq == std::string::npos) return bad(path, n, "expected 'key = value'");
    std::string key = trim(trimmed.substr(0, eq));
    std::string value = trim(trimmed.substr(eq + 1));
    if (!known_key(key)) return bad(path, n, fmt::format("unknown key '{}'", printable(key)));
    if (config.count(key)) return bad(path, n, fmt::format("key '{}' given twice", key));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    config[key] = value;
  }
  return config;
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  struct stat st {};
  if (!in || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("cannot read config {}", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = parse_config(text.str(), path);
  if (!parsed) return parsed.error();
  Config config = std::move(*parsed);
  if (config.count("client_secret") && (st.st_mode & (S_IRWXG | S_IRWXO))) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("config {} holds a client secret and others can read it "
                                  "(mode {:o}); run: chmod 600 {}",
                                  path, st.st_mode & 0777, path));
  }
  return config;
}

}  // namespace sfrewind::cli
