// RAII owners for libcurl handles: CurlEasy and CurlHeaders (private to src/http).
#pragma once

#include <memory>
#include <string>

#include <sfrewind/error.hpp>

#include "http/curl_api.hpp"

namespace sfrewind::http {

struct CurlEasyCleanup {
  void operator()(CURL* h) const noexcept { curl_api().easy_cleanup(h); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;

// A new easy handle (loading libcurl first); kInternal when libcurl cannot be loaded or cannot
// allocate one.
inline Result<CurlEasy> make_curl_easy() {
  auto api = load_curl();
  if (!api) return api.error();
  CURL* h = (*api)->easy_init();
  if (h == nullptr) return make_error(ErrorCode::kInternal, "curl_easy_init failed");
  return CurlEasy(h);
}

// Owns a curl_slist of header lines.
class CurlHeaders {
 public:
  // Appends one "Name: value" line; the old list stays intact when libcurl fails.
  Status append(const std::string& line) {
    curl_slist* grown = curl_api().slist_append(list_.get(), line.c_str());
    if (grown == nullptr) return make_error(ErrorCode::kInternal, "curl_slist_append failed");
    list_.release();
    list_.reset(grown);
    return ok();
  }
  curl_slist* get() const { return list_.get(); }

 private:
  struct Free {
    void operator()(curl_slist* l) const noexcept { curl_api().slist_free_all(l); }
  };
  std::unique_ptr<curl_slist, Free> list_;
};

}  // namespace sfrewind::http
