// SHA-256 through OpenSSL's EVP digest, whole or in pieces.
#include "core/sha256.hpp"

#include "core/crypto.hpp"

namespace sfrewind {
namespace {

std::string to_hex(const unsigned char* md, unsigned int len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0x0F]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Sha256 sha;
  sha.update(data);
  return sha.hex();
}

Sha256::Sha256() {
  auto c = load_crypto();
  if (!c) return;
  api_ = *c;
  ctx_ = api_->MD_CTX_new();
  ok_ = ctx_ != nullptr && api_->DigestInit_ex(ctx_, api_->sha256(), nullptr) == 1;
}

Sha256::~Sha256() {
  if (ctx_ != nullptr) api_->MD_CTX_free(ctx_);
}

void Sha256::update(std::string_view data) {
  ok_ = ok_ && api_->DigestUpdate(ctx_, data.data(), data.size()) == 1;
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ok_ = ok_ && api_->DigestFinal_ex(ctx_, md, &len) == 1;
  return ok_ ? to_hex(md, len) : std::string();
}

}  // namespace sfrewind
