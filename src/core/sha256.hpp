// SHA-256 hex digests (OpenSSL EVP, loaded on first use), private to the library.
#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace sfrewind {

struct CryptoApi;

// Lower-case hex SHA-256 of `data`; "" when libcrypto cannot be loaded or fails (allocation).
std::string sha256_hex(std::string_view data);

// The same for data handed over in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  // The hex digest of everything updated; "" if libcrypto failed at any step.
  std::string hex();

 private:
  const CryptoApi* api_ = nullptr;  // null when libcrypto could not be loaded
  evp_md_ctx_st* ctx_ = nullptr;
  bool ok_ = false;
};

}  // namespace sfrewind
