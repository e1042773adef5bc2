// The file `plan --out` writes: made beside its final name while the plan is stored, and renamed
// there only once the store holds the plan, so the file never names a plan the store lacks and
// is never seen half written; an --out that cannot be written is found before anything is stored.
#pragma once

#include <future>
#include <string>

#include <sfrewind/error.hpp>

namespace sfrewind::cli {

class PlanFile {
 public:
  // Creates `path`.partial (mode 0600, not through a symlink). Error kInvalidArgument when it
  // cannot be created.
  static Result<PlanFile> create(const std::string& path);
  PlanFile(PlanFile&& other) noexcept;
  PlanFile& operator=(PlanFile&&) = delete;
  // Removes the partial file unless commit() succeeded (after the write, if one is running).
  ~PlanFile();

  // Starts writing `text` on another thread. REQUIRES: `text` outlives finish().
  void start(const std::string& text);
  // Waits for the write; renames the file to its final name when `keep`.
  Status finish(bool keep);

 private:
  PlanFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string partial() const { return path_ + ".partial"; }

  std::string path_;
  int fd_ = -1;
  std::future<bool> written_;
  bool committed_ = false;
};

}  // namespace sfrewind::cli
