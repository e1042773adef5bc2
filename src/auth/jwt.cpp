// JWT bearer assertions: RS256 over base64url(header).base64url(claims) with OpenSSL EVP.
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <sfrewind/auth/token_provider.hpp>

namespace sfrewind::auth {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

std::string base64url(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

Result<std::unique_ptr<EVP_PKEY, PkeyFree>> load_key(const std::string& path) {
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(ErrorCode::kInvalidArgument, "cannot read JWT key file " + path);
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return make_error(ErrorCode::kInvalidArgument,
                      "JWT key file " + path + " is not a PEM RSA private key");
  }
  return key;
}

}  // namespace

Result<std::string> make_jwt_assertion(const JwtBearerConfig& config, std::int64_t now_s) {
  auto key = load_key(config.key_file);
  if (!key) return key.error();
  const std::string& aud = config.audience.empty() ? config.login_url : config.audience;
  std::string claims = fmt::format(R"({{"iss":{},"sub":{},"aud":{},"exp":{}}})",
                                   json_quote(config.client_id), json_quote(config.username),
                                   json_quote(aud), now_s + 180);
  std::string input = base64url(R"({"alg":"RS256"})") + "." + base64url(claims);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::size_t sig_len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return make_error(ErrorCode::kInternal, "cannot sign the JWT assertion");
  }
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return make_error(ErrorCode::kInternal, "cannot sign the JWT assertion");
  }
  sig.resize(sig_len);
  return input + "." + base64url(sig);
}

}  // namespace sfrewind::auth
