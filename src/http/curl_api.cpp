// Loading libcurl with dlopen on first use: see curl_api.hpp.
#include "http/curl_api.hpp"

#include "core/dl.hpp"

namespace sfrewind::http {
namespace {

// The error is also set when curl_global_init fails.
DlApi<CurlApi> load() {
  DlApi<CurlApi> l;
  DlLibrary lib("libcurl.so.4", "libcurl", l.error);
  if (!lib.loaded()) return l;
  CURLcode (*global_init)(long) = nullptr;
  CurlApi& a = l.api;
  bool all = lib.function("curl_global_init", global_init) &&
             lib.function("curl_easy_init", a.easy_init) &&
             lib.function("curl_easy_cleanup", a.easy_cleanup) &&
             lib.function("curl_easy_reset", a.easy_reset) &&
             lib.function("curl_easy_setopt", a.easy_setopt) &&
             lib.function("curl_easy_perform", a.easy_perform) &&
             lib.function("curl_easy_getinfo", a.easy_getinfo) &&
             lib.function("curl_easy_strerror", a.easy_strerror) &&
             lib.function("curl_slist_append", a.slist_append) &&
             lib.function("curl_slist_free_all", a.slist_free_all);
  if (all && global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) l.error = "curl_global_init failed";
  return l;  // the library stays loaded for the life of the process
}

const DlApi<CurlApi>& loaded() {
  static const DlApi<CurlApi> l = load();  // once, thread-safe
  return l;
}

}  // namespace

Result<const CurlApi*> load_curl() { return loaded().get(); }

const CurlApi& curl_api() { return loaded().api; }

}  // namespace sfrewind::http
