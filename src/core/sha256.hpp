// SHA-256 hex digests (OpenSSL EVP), private to the library.
#pragma once

#include <string>
#include <string_view>

namespace sfrewind {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace sfrewind
