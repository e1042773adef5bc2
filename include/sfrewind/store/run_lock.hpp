// RunLock: an exclusive, non-blocking lock file so two nightly runs never overlap.
#pragma once

#include <string>

#include <sfrewind/error.hpp>

namespace sfrewind {

// Holds an flock(2) on a lock file for its lifetime. The kernel drops the lock when the process
// dies, so a crashed run never leaves a stale lock behind. Movable, not copyable.
// Thread-safety: one owner; a second RunLock on the same file fails even in the same process.
class RunLock {
 public:
  // Creates `path` (mode 0600) when missing and locks it without waiting.
  // Errors: kConflict when another holder has it, kInvalidArgument when it cannot be opened.
  static Result<RunLock> acquire(const std::string& path);

  // The lock file beside a store: "<store>.lock".
  static std::string path_for_store(const std::string& store_path);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

  const std::string& path() const { return path_; }

 private:
  RunLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace sfrewind
