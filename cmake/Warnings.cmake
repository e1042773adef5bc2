# Warnings live in an INTERFACE target that every project target links privately.
add_library(sfrewind_warnings INTERFACE)
target_compile_options(sfrewind_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor)
# GCC 12 reports bogus -Wrestrict overlaps inside std::string at -O2/-O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sfrewind_warnings INTERFACE -Wno-restrict)
endif()
if(SFREWIND_WERROR)
  target_compile_options(sfrewind_warnings INTERFACE -Werror)
endif()
