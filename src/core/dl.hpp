// Opening a library with dlopen and looking up its functions (private to the library).
#pragma once

#include <dlfcn.h>

#include <cstring>
#include <string>

namespace sfrewind {

// Opens `soname` for the life of the process; null with `error` set when it cannot be loaded
// (`what` names it in the message).
inline void* dl_open(const char* soname, const char* what, std::string& error) {
  void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = ::dlerror();
    error = std::string("cannot load ") + what + " (" + soname + "): " + (why ? why : "not found");
  }
  return lib;
}

// Sets `out` to the function `name` of `lib`; false with `error` set ("<what> has no <name>")
// when there is none, so calls chain with && and the first missing one is reported.
template <class Fn>
bool dl_function(void* lib, const char* what, const char* name, Fn& out, std::string& error) {
  void* p = ::dlsym(lib, name);
  if (p == nullptr) {
    error = std::string(what) + " has no " + name;
    return false;
  }
  static_assert(sizeof(Fn) == sizeof(p));
  std::memcpy(&out, &p, sizeof(p));  // object pointer to function pointer, as POSIX allows
  return true;
}

}  // namespace sfrewind
