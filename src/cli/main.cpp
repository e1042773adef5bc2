// sfrewind: the command-line entry point. libcurl is loaded by the first HTTP client (see
// src/http/curl_api.hpp), so offline commands never pay for it.
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) { return sfrewind::cli::run(argc, argv, std::cout, std::cerr); }
