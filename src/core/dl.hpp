// A library opened with dlopen, and its functions looked up (private to the library).
#pragma once

#include <dlfcn.h>

#include <cstring>
#include <string>

#include <sfrewind/error.hpp>

namespace sfrewind {

// A loaded library's table of functions, `Api`, and the first error met filling it.
template <class Api>
struct DlApi {
  Api api{};
  std::string error;  // empty when api is complete

  // The table, or kInternal with the error.
  Result<const Api*> get() const {
    if (!error.empty()) return make_error(ErrorCode::kInternal, error);
    return &api;
  }
};

// Opens `soname` for the life of the process (never closed). The first failure, to open it or to
// find a function, is kept in `error`, so lookups chain with && and name what is missing.
class DlLibrary {
 public:
  // `what` names the library in messages ("libcurl").
  DlLibrary(const char* soname, const char* what, std::string& error)
      : lib_(::dlopen(soname, RTLD_NOW | RTLD_LOCAL)), what_(what), error_(error) {
    if (lib_ == nullptr) {
      const char* why = ::dlerror();
      error_ = std::string("cannot load ") + what + " (" + soname + "): " +
               (why ? why : "not found");
    }
  }
  bool loaded() const { return lib_ != nullptr; }

  // Sets `out` to the function `name`; false with the error set when there is none.
  template <class Fn>
  bool function(const char* name, Fn& out) {
    void* p = ::dlsym(lib_, name);
    if (p == nullptr) {
      error_ = std::string(what_) + " has no " + name;
      return false;
    }
    static_assert(sizeof(Fn) == sizeof(p));
    std::memcpy(&out, &p, sizeof(p));  // object pointer to function pointer, as POSIX allows
    return true;
  }

 private:
  void* lib_;
  const char* what_;
  std::string& error_;
};

}  // namespace sfrewind
