// doctest main for sfrewind_tests, with libcurl initialised once for the process.
#define DOCTEST_CONFIG_IMPLEMENT
#include <curl/curl.h>
#include <doctest/doctest.h>

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  doctest::Context context(argc, argv);
  int rc = context.run();
  curl_global_cleanup();
  return rc;
}
