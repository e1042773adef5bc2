// Loading libcrypto with dlopen on first use: see crypto.hpp.
#include "core/crypto.hpp"

#include "core/dl.hpp"

namespace sfrewind {
namespace {

DlApi<CryptoApi> load() {
  DlApi<CryptoApi> l;
  DlLibrary lib("libcrypto.so.3", "OpenSSL", l.error);
  if (!lib.loaded()) return l;
  CryptoApi& a = l.api;
  (void)(lib.function("EVP_sha256", a.sha256) &&
         lib.function("EVP_MD_CTX_new", a.MD_CTX_new) &&
         lib.function("EVP_MD_CTX_free", a.MD_CTX_free) &&
         lib.function("EVP_DigestInit_ex", a.DigestInit_ex) &&
         lib.function("EVP_DigestUpdate", a.DigestUpdate) &&
         lib.function("EVP_DigestFinal_ex", a.DigestFinal_ex) &&
         lib.function("EVP_DigestSignInit", a.DigestSignInit) &&
         lib.function("EVP_DigestSign", a.DigestSign) &&
         lib.function("EVP_EncodeBlock", a.EncodeBlock) &&
         lib.function("EVP_PKEY_free", a.PKEY_free) &&
         lib.function("EVP_PKEY_get_base_id", a.PKEY_get_base_id) &&
         lib.function("PEM_read_PrivateKey", a.read_PrivateKey));
  return l;  // the library stays loaded for the life of the process
}

}  // namespace

Result<const CryptoApi*> load_crypto() {
  static const DlApi<CryptoApi> l = load();  // once, thread-safe
  return l.get();
}

}  // namespace sfrewind
