# Warnings live in an INTERFACE target that every project target links privately.
add_library(sfrewind_warnings INTERFACE)
target_compile_options(sfrewind_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor)
if(SFREWIND_WERROR)
  target_compile_options(sfrewind_warnings INTERFACE -Werror)
endif()
