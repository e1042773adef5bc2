// libcrypto (OpenSSL 3), loaded on first use rather than at process start (private to the
// library).
//
// Its 17,000 relocations were a quarter of every command's start (about 2 ms of 8), and most
// commands never hash or sign: so, like libcurl (src/http/curl_api.hpp), it is opened with
// dlopen() by the first digest or signature.
#pragma once

#include <cstdio>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <sfrewind/error.hpp>

namespace sfrewind {

// The libcrypto functions sfrewind calls, named after them without the EVP_/PEM_ prefix.
struct CryptoApi {
  const EVP_MD* (*sha256)();
  EVP_MD_CTX* (*MD_CTX_new)();
  void (*MD_CTX_free)(EVP_MD_CTX*);
  int (*DigestInit_ex)(EVP_MD_CTX*, const EVP_MD*, ENGINE*);
  int (*DigestUpdate)(EVP_MD_CTX*, const void*, std::size_t);
  int (*DigestFinal_ex)(EVP_MD_CTX*, unsigned char*, unsigned int*);
  int (*DigestSignInit)(EVP_MD_CTX*, EVP_PKEY_CTX**, const EVP_MD*, ENGINE*, EVP_PKEY*);
  int (*DigestSign)(EVP_MD_CTX*, unsigned char*, std::size_t*, const unsigned char*, std::size_t);
  int (*EncodeBlock)(unsigned char*, const unsigned char*, int);
  void (*PKEY_free)(EVP_PKEY*);
  int (*PKEY_get_base_id)(const EVP_PKEY*);
  EVP_PKEY* (*read_PrivateKey)(std::FILE*, EVP_PKEY**, pem_password_cb*, void*);
};

// Loads libcrypto.so.3 once per process (thread-safe); later calls return the same table.
// Errors: kInternal naming the library or the function that is missing.
Result<const CryptoApi*> load_crypto();

}  // namespace sfrewind
