// JWT bearer assertions: RS256 over base64url(header).base64url(claims) with OpenSSL EVP
// (libcrypto loaded on first use, src/core/crypto.hpp).
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include <sfrewind/auth/token_provider.hpp>

#include "core/crypto.hpp"

namespace sfrewind::auth {
namespace {

struct PkeyFree {
  const CryptoApi* c;
  void operator()(EVP_PKEY* k) const noexcept { c->PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct MdCtxFree {
  const CryptoApi* c;
  void operator()(EVP_MD_CTX* x) const noexcept { c->MD_CTX_free(x); }
};
struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

std::string base64url(const CryptoApi& c, std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = c.EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(data.data()),
                        static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& ch : out) {
    if (ch == '+') ch = '-';
    if (ch == '/') ch = '_';
  }
  return out;
}

Result<Pkey> load_key(const CryptoApi& c, const std::string& path) {
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(ErrorCode::kInvalidArgument, "cannot read JWT key file " + path);
  Pkey key(c.read_PrivateKey(file.get(), nullptr, nullptr, nullptr), PkeyFree{&c});
  if (!key || c.PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return make_error(ErrorCode::kInvalidArgument,
                      "JWT key file " + path + " is not a PEM RSA private key");
  }
  return key;
}

// RS256 of `input` with `key`.
Result<std::string> sign(const CryptoApi& c, EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(c.MD_CTX_new(), MdCtxFree{&c});
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  std::size_t sig_len = 0;
  if (!ctx || c.DigestSignInit(ctx.get(), nullptr, c.sha256(), nullptr, key) != 1 ||
      c.DigestSign(ctx.get(), nullptr, &sig_len, in, input.size()) != 1) {
    return make_error(ErrorCode::kInternal, "cannot sign the JWT assertion");
  }
  std::string sig(sig_len, '\0');
  if (c.DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len, in,
                   input.size()) != 1) {
    return make_error(ErrorCode::kInternal, "cannot sign the JWT assertion");
  }
  sig.resize(sig_len);
  return sig;
}

}  // namespace

Result<std::string> make_jwt_assertion(const JwtBearerConfig& config, std::int64_t now_s) {
  auto crypto = load_crypto();
  if (!crypto) return crypto.error();
  const CryptoApi& c = **crypto;
  auto key = load_key(c, config.key_file);
  if (!key) return key.error();
  const std::string& aud = config.audience.empty() ? config.login_url : config.audience;
  std::string claims = fmt::format(R"({{"iss":{},"sub":{},"aud":{},"exp":{}}})",
                                   json_quote(config.client_id), json_quote(config.username),
                                   json_quote(aud), now_s + 180);
  std::string input = base64url(c, R"({"alg":"RS256"})") + "." + base64url(c, claims);
  auto sig = sign(c, key->get(), input);
  if (!sig) return sig.error();
  return input + "." + base64url(c, *sig);
}

}  // namespace sfrewind::auth
