// sfrewind: the command-line entry point.
#include <iostream>

#include <curl/curl.h>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = sfrewind::cli::run(argc, argv, std::cout, std::cerr);
  curl_global_cleanup();
  return rc;
}
