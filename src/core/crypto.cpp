// Loading libcrypto with dlopen on first use: see crypto.hpp.
#include "core/crypto.hpp"

#include <string>

#include "core/dl.hpp"

namespace sfrewind {
namespace {

struct Loaded {
  CryptoApi api{};
  std::string error;  // empty when api is complete
};

template <class Fn>
bool find(void* lib, const char* name, Fn& out, std::string& error) {
  return dl_function(lib, "libcrypto", name, out, error);
}

Loaded load() {
  Loaded l;
  void* lib = dl_open("libcrypto.so.3", "OpenSSL", l.error);
  if (lib == nullptr) return l;
  CryptoApi& a = l.api;
  (void)(find(lib, "EVP_Digest", a.Digest, l.error) &&
         find(lib, "EVP_sha256", a.sha256, l.error) &&
         find(lib, "EVP_MD_CTX_new", a.MD_CTX_new, l.error) &&
         find(lib, "EVP_MD_CTX_free", a.MD_CTX_free, l.error) &&
         find(lib, "EVP_DigestInit_ex", a.DigestInit_ex, l.error) &&
         find(lib, "EVP_DigestUpdate", a.DigestUpdate, l.error) &&
         find(lib, "EVP_DigestFinal_ex", a.DigestFinal_ex, l.error) &&
         find(lib, "EVP_DigestSignInit", a.DigestSignInit, l.error) &&
         find(lib, "EVP_DigestSign", a.DigestSign, l.error) &&
         find(lib, "EVP_EncodeBlock", a.EncodeBlock, l.error) &&
         find(lib, "EVP_PKEY_free", a.PKEY_free, l.error) &&
         find(lib, "EVP_PKEY_get_base_id", a.PKEY_get_base_id, l.error) &&
         find(lib, "PEM_read_PrivateKey", a.read_PrivateKey, l.error));
  return l;  // the library stays loaded for the life of the process
}

}  // namespace

Result<const CryptoApi*> load_crypto() {
  static const Loaded l = load();  // once, thread-safe
  if (!l.error.empty()) return make_error(ErrorCode::kInternal, l.error);
  return &l.api;
}

}  // namespace sfrewind
