// doctest main for sfrewind_tests. libcurl is loaded and initialised by the first HTTP client.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  return context.run();
}
