// Config file parsing with the permission rule for secrets.
#include "cli/config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

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

bool known_key(const std::string& key) {
  return std::any_of(std::begin(kConfigKeys), std::end(kConfigKeys),
                     [&](const char* k) { return key == k; });
}

}  // namespace

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path);
  struct stat st {};
  if (!in || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("cannot read config {}", path));
  }
  Config config;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    auto eq = text.find('=');
    if (eq == std::string::npos) return bad(path, n, "expected 'key = value'");
    std::string key = trim(text.substr(0, eq));
    std::string value = trim(text.substr(eq + 1));
    if (!known_key(key)) return bad(path, n, fmt::format("unknown key '{}'", key));
    if (config.count(key)) return bad(path, n, fmt::format("key '{}' given twice", key));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    config[key] = value;
  }
  if (config.count("client_secret") && (st.st_mode & (S_IRWXG | S_IRWXO))) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("config {} holds a client secret and others can read it "
                                  "(mode {:o}); run: chmod 600 {}",
                                  path, st.st_mode & 0777, path));
  }
  return config;
}

}  // namespace sfrewind::cli
