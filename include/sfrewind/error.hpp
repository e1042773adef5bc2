// Error, ErrorCode, Result<T> and Status: how every fallible call in sfrewind reports failure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sfrewind {

enum class ErrorCode {
  kInvalidArgument,  // bad input from a user or caller; the CLI maps it to exit code 2
  kNotFound,
  kConflict,
  kTransport,
  kTimeout,
  kHttp,
  kUnauthorized,
  kRateLimited,
  kApi,
  kParse,
  kStorage,
  kCancelled,
  kInternal,
};

// Returns a stable lower-case name for `code` ("invalid argument", "transport", ...).
std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int http_status = 0;
  std::string api_code;  // Salesforce errorCode, e.g. "INVALID_SESSION_ID"
  int sqlite_code = 0;
  int retry_after_s = 0;  // from Retry-After when the server sent one
};

// Returns `e` with "context: " put in front of its message.
Error with_context(Error e, std::string_view context);

// Shorthand for an Error with a code and a message.
inline Error make_error(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

// Result<T> holds a T or an Error, with std::expected's member names.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value().
  Error& error() & { return std::get<1>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {}

  // REQUIRES: !has_value().
  Error& error() & { return error_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

// A successful Status.
inline Status ok() { return Status(); }

}  // namespace sfrewind
