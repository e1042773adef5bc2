// Store::open: file creation with mode 0600, pragmas, migrations; the statement cache.
#include <sfrewind/store/store.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace sfrewind {
namespace {

// Creates the file with mode 0600 (whatever the umask) before SQLite opens it, so the WAL and
// SHM files SQLite makes beside it inherit the same mode.
Status create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("cannot create store {}: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd, 0600);
  ::close(fd);
  return ok();
}

Result<bool> prepare_file(const std::string& path, bool create, std::vector<std::string>& warnings) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (!create) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("no store at {}: run 'sfrewind sync' first or pass --store", path));
    }
    if (auto s = create_private_file(path); !s) return s.error();
    return true;
  }
  if (!S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("store {} is not a regular file", path));
  }
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    warnings.push_back(fmt::format(
        "store {} is accessible by other users (mode {:o}); run: chmod 600 {}", path,
        st.st_mode & 0777, path));
  }
  return st.st_size == 0;  // an empty file is a store still to be made
}

// A first load, and a big merge of a later sync's rows, run in rollback-journal mode
// (history_load.cpp). Their journal, left by a sync still running or killed, can only be rolled
// back by a read-write open: SQLite would refuse a read-only one with "attempt to write a
// readonly database".
Status check_no_journal(const std::string& path) {
  struct stat st {};
  if (::stat((path + "-journal").c_str(), &st) != 0 || st.st_size == 0) return ok();
  return make_error(ErrorCode::kStorage,
                    fmt::format("{} is being written by a sync that is still running or was "
                                "interrupted; let it finish or rerun 'sfrewind sync', then try "
                                "again", path));
}

Status configure(store::Db& db, bool read_only, bool created) {
  // 16 KiB pages (set before the first table): a third fewer page writes for history loads
  // and index builds than the 4 KiB default.
  if (created) {
    if (auto s = db.exec("PRAGMA page_size=16384"); !s) return s;
  }
  if (!read_only) {
    if (auto s = db.exec("PRAGMA journal_mode=WAL"); !s) return s;
    if (auto s = db.exec("PRAGMA synchronous=NORMAL"); !s) return s;
    // 8 MiB of page cache instead of 2: merging staged rows into history's indexes then
    // writes each page once rather than spilling and rereading it (2.6 s -> 1.3 s for 100k
    // rows into 1.3M).
    if (auto s = db.exec("PRAGMA cache_size=-8192"); !s) return s;
  }
  // Read-only opens read pages through read(2), not a map of the file: their big reads go in
  // row order (timeline --at for many records) or through the store once (changes), and a map
  // costs a page fault per 4 KiB first touched, which a VM makes dear (10,000 records: 5,600
  // faults and 0.51-0.57 s mapped, 1,300-1,700 faults and 0.37-0.38 s read). Reads that jump
  // about the file, like plan's, ask for the map (map_for_reads).
  return db.exec("PRAGMA foreign_keys=ON");
}

Error not_a_store(const std::string& path, const Error& e) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("{} is not a usable sfrewind store: {}", path, e.message));
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = options.path;
  bool create = options.create && !options.read_only;
  bool created = false;
  if (options.path != ":memory:") {
    auto fresh = prepare_file(options.path, create, impl->warnings);
    if (!fresh) return fresh.error();
    created = *fresh;
    if (options.read_only) {
      if (auto s = check_no_journal(options.path); !s) return s.error();
    }
  }
  auto db = store::Db::open(options.path, create, options.read_only);
  if (!db) return not_a_store(options.path, db.error());
  impl->db = std::move(*db);
  if (auto s = configure(impl->db, options.read_only, created); !s) return not_a_store(options.path, s.error());
  if (options.read_only) {
    auto v = impl->db.user_version();
    if (!v) return not_a_store(options.path, v.error());
    if (*v > 0 && *v < store::kOldestReadableSchema) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{} was written by an older sfrewind (store schema {}, this "
                                    "one writes {}): run 'sfrewind sync' once to upgrade it",
                                    options.path, *v, store::current_schema_version()));
    }
    if (*v < store::kOldestReadableSchema || *v > store::current_schema_version()) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{} is not a sfrewind store of schema {} (found {})",
                                    options.path, store::current_schema_version(), *v));
    }
    impl->version = static_cast<int>(*v);
  } else if (auto s = store::migrate(impl->db); !s) {
    return not_a_store(options.path, s.error());
  } else {
    impl->version = store::current_schema_version();
  }
  Store store(std::move(impl));
  if (auto s = store.settle_history(options.read_only); !s) return not_a_store(options.path, s.error());
  return store;
}

// Rows a killed sync staged but never merged: merged now, or (read-only) reported.
Status Store::settle_history(bool read_only) {
  if (!read_only) {
    auto merged = merge_history();
    return merged ? ok() : Status(merged.error());
  }
  auto staged = staged_history_count();
  if (!staged) return staged.error();
  if (*staged > 0) {
    impl_->warnings.push_back(fmt::format(
        "{} history rows of an interrupted sync are not merged yet; run 'sfrewind sync' to "
        "finish it", *staged));
  }
  return ok();
}

const std::vector<std::string>& Store::warnings() const { return impl_->warnings; }
int Store::schema_version() const { return impl_->version; }
const std::string& Store::path() const { return impl_->path; }

Result<store::Statement*> Store::Impl::statement(std::string_view sql) {
  auto it = statements.find(sql);
  if (it == statements.end()) {
    auto st = store::Statement::prepare(db.get(), sql);
    if (!st) return st.error();
    it = statements.emplace(std::string(sql), std::move(*st)).first;
  }
  it->second.reset();
  return &it->second;
}

std::string store_now() { return Timestamp::now().to_iso(); }

void tune_sqlite_for_executable() {
  (void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
  (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

Result<std::vector<std::string>> first_column_texts(store::Statement& st) {
  std::vector<std::string> out;
  while (true) {
    auto row = st.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(st.column_text(0));
  }
}

std::string json_array(std::span<const std::string> texts) {
  std::string list = "[";
  for (const std::string& t : texts) list += (list.size() > 1 ? "," : "") + json_quote(t);
  return list + "]";
}

}  // namespace sfrewind
