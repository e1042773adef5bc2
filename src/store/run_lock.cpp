// RunLock: flock(2) on a lock file beside the store.
#include <sfrewind/store/run_lock.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace sfrewind {

Result<RunLock> RunLock::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("cannot open lock file {}: {}", path, std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) {
      return make_error(ErrorCode::kConflict,
                        fmt::format("another sfrewind run holds the lock {}", path));
    }
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("cannot lock {}: {}", path, std::strerror(e)));
  }
  return RunLock(fd, path);
}

std::string RunLock::path_for_store(const std::string& store_path) { return store_path + ".lock"; }

RunLock::RunLock(RunLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace sfrewind
