// The run lock and the read-only store of the review commands.
#include "cli/run_guard.hpp"

#include <fmt/format.h>

namespace sfrewind::cli {

Result<RunLock> acquire_run_lock(Context& ctx, const std::string& lock_file, int& code) {
  std::string path = lock_file.empty() ? RunLock::path_for_store(ctx.global.store) : lock_file;
  auto lock = RunLock::acquire(path);
  if (lock) return lock;
  if (lock.error().code == ErrorCode::kConflict) {
    ctx.err << fmt::format("sfrewind: another sync or snapshot is running ({} is locked); not starting\n",
                           path);
    code = kExitLocked;
  } else {
    code = report_error(ctx, lock.error());
  }
  return lock.error();
}

Result<Store> open_store_read_only(Context& ctx) {
  auto store = Store::open(StoreOptions{ctx.global.store, false, true});
  if (store && !ctx.global.quiet) {
    for (const std::string& w : store->warnings()) ctx.err << "sfrewind: warning: " << w << "\n";
  }
  return store;
}

}  // namespace sfrewind::cli
