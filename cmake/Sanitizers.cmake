# ASan + UBSan for the whole build when SFREWIND_SANITIZE is on.
if(SFREWIND_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
