// PlanFile: the plan file written while the plan is stored, renamed into place after.
#include "cli/plan_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>

namespace sfrewind::cli {
namespace {

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Error cannot_write(const std::string& path, ErrorCode code) {
  return make_error(code, "cannot write '" + path + "'");
}

}  // namespace

Result<PlanFile> PlanFile::create(const std::string& path) {
  const std::string partial = path + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return cannot_write(path, ErrorCode::kInvalidArgument);
  ::fchmod(fd, 0600);  // an older partial file keeps its mode through O_TRUNC
  return PlanFile(path, fd);
}

PlanFile::PlanFile(PlanFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), written_(std::move(other.written_)),
      committed_(other.committed_) {
  other.fd_ = -1;
  other.committed_ = true;  // nothing left for the moved-from object to remove
}

PlanFile::~PlanFile() {
  if (written_.valid()) written_.wait();
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(partial().c_str());
}

void PlanFile::start(const std::string& text) {
  int fd = fd_;
  written_ = std::async(std::launch::async, [fd, &text] { return write_all(fd, text); });
}

Status PlanFile::finish(bool keep) {
  bool good = written_.valid() && written_.get();
  good = ::close(fd_) == 0 && good;
  fd_ = -1;
  if (!keep) return ok();
  if (!good || std::rename(partial().c_str(), path_.c_str()) != 0) {
    return cannot_write(path_, ErrorCode::kStorage);
  }
  committed_ = true;
  return ok();
}

}  // namespace sfrewind::cli
