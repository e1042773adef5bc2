// Error helpers.
#include <sfrewind/error.hpp>

namespace sfrewind {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kTransport: return "transport";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kHttp: return "http";
    case ErrorCode::kUnauthorized: return "unauthorized";
    case ErrorCode::kRateLimited: return "rate limited";
    case ErrorCode::kApi: return "api";
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kStorage: return "storage";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Error with_context(Error e, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += e.message;
  e.message = std::move(message);
  return e;
}

}  // namespace sfrewind
