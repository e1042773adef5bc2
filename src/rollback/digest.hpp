// SHA-256 for plan ids and content hashes (private to rollback).
#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace sfrewind::rollback {

// The lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// The same for data handed over in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  // The hex digest of everything updated; "" if OpenSSL failed (allocation) at any step.
  std::string hex();

 private:
  evp_md_ctx_st* ctx_;
  bool ok_;
};

}  // namespace sfrewind::rollback
