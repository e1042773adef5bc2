// libcurl, loaded on first use rather than at process start (private to src/http).
//
// libcurl and the ~30 libraries Debian builds it against (GnuTLS, Kerberos, LDAP, SSH...) take
// about 7 ms to map and initialise. Linked normally, every command would pay that before
// main(), including the offline ones (timeline, changes, report) whose single-record queries
// take about a millisecond. So the library is opened with dlopen() by the first HttpClient.
#pragma once

#include <curl/curl.h>

#include <sfrewind/error.hpp>

namespace sfrewind::http {

// The libcurl functions sfrewind calls.
struct CurlApi {
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// Loads libcurl.so.4 and runs curl_global_init once per process (thread-safe); later calls
// return the same table. Errors: kInternal naming the library or function that is missing.
Result<const CurlApi*> load_curl();

// The table load_curl() returned. REQUIRES: load_curl() succeeded before.
const CurlApi& curl_api();

}  // namespace sfrewind::http
