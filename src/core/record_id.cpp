// RecordId: 15/18-character Salesforce ids and their case-safe checksum.
#include <cctype>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

namespace sfrewind {
namespace {

constexpr std::string_view kSuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > 40) out += "...";
  return out;
}

}  // namespace

std::string RecordId::checksum(std::string_view id15) {
  std::string suffix;
  for (std::size_t chunk = 0; chunk < 3; ++chunk) {
    unsigned bits = 0;
    for (std::size_t i = 0; i < 5; ++i) {
      char c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1u << i;
    }
    suffix += kSuffixAlphabet[bits];
  }
  return suffix;
}

bool RecordId::normalize(std::string_view text, std::string& out) {
  if (text.size() != 15 && text.size() != 18) return false;
  for (char c : text) {
    if (!is_alnum(c)) return false;
  }
  std::string suffix = checksum(text.substr(0, 15));  // three characters: no allocation
  for (std::size_t i = 15; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != suffix[i - 15]) return false;
  }
  out.assign(text.substr(0, 15));
  out.append(suffix);
  return true;
}

Result<RecordId> RecordId::parse(std::string_view text) {
  if (std::string id; normalize(text, id)) return RecordId(std::move(id));
  // Not an id: say why.
  if (text.size() != 15 && text.size() != 18) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("invalid record id '{}': expected 15 or 18 characters, got {}",
                                  printable(text), text.size()));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_alnum(text[i])) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("invalid record id '{}': character {} is not a letter or digit",
                                    printable(text), i + 1));
    }
  }
  // Only an 18-character id with the wrong suffix is left.
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("invalid record id '{}': checksum suffix '{}' should be '{}'",
                                printable(text), printable(text.substr(15)),
                                checksum(text.substr(0, 15))));
}

}  // namespace sfrewind
