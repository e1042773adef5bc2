// The lock that keeps two sync/snapshot runs on one store from overlapping.
#pragma once

#include <string>

#include <sfrewind/store/run_lock.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/app.hpp"

namespace sfrewind::cli {

// Exit code of a run refused because another holds the lock (EX_TEMPFAIL: try again later).
inline constexpr int kExitLocked = 75;

// Locks `lock_file`, or "<store>.lock" when empty. On failure prints one line and sets `code`.
Result<RunLock> acquire_run_lock(Context& ctx, const std::string& lock_file, int& code);

// Opens the store read-only without creating it; a missing store is a usage error.
Result<Store> open_store_read_only(Context& ctx);

}  // namespace sfrewind::cli
