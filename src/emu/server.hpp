// Server: sfrewind-emu's HTTP front (cpp-httplib on 127.0.0.1) over an Org.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <sfrewind/error.hpp>

#include "emu/org.hpp"

namespace sfrewind::emu {

// Faults injected into /services/data calls, deterministic for a given seed. 0 = off.
struct FaultOptions {
  int latency_ms = 0;              // added to every API call
  int spike_every = 0;             // about one API call in N answers spike_ms late (processed first)
  int spike_ms = 0;
  int burst_503_every = 0;         // about one call in N starts a burst of 503s
  int burst_503_length = 1;        // calls per burst
  int reset_every = 0;             // about one call in N: connection closed before the body
  int truncate_every = 0;          // about one call in N: body cut in half, connection closed
  int malformed_every = 0;         // about one 200 in N: processed, but the (whole) body is not JSON
  int token_expire_after = 0;      // each access token dies after N API calls
  int limit_after = 0;             // REQUEST_LIMIT_EXCEEDED once N API calls were made
  // The token endpoint after the first grant under these faults (a refresh, a re-login):
  int refresh_fail = 0;            // the next N calls fail (503 and connection resets in turn)
  bool refresh_deny = false;       // every call answers 400 invalid_grant
  std::vector<std::string> lock_records;  // writes to these ids fail with UNABLE_TO_LOCK_ROW
  bool expire_locators = false;    // every query/<locator> call answers INVALID_QUERY_LOCATOR
  std::uint64_t seed = 1;
};

// How often the faults above fired since they were set (tests check a fault was exercised).
struct FaultStats {
  int spikes = 0;
  int malformed = 0;
  int refresh_failed = 0;
  int refresh_denied = 0;
};

struct ServerOptions {
  std::string org_file;
  std::string generate;  // "records=N,edits=M,users=K,seed=S"
  int port = 0;
  std::uint64_t seed = 1;
  int token_ttl_s = 7200;
  std::vector<std::pair<std::string, std::string>> fixed_tokens;  // token -> username
  FaultOptions faults;
  int latency_ms = 0;
};

// Parses a fault spec "latency_ms=5,burst_503_every=10,lock_records=a;b,..." into `f`.
Status parse_faults(std::string_view spec, FaultOptions* f);

// Thread-safety: start/stop from one thread; org() needs lock() held while touched.
class Server {
 public:
  // Loads or generates the org, binds 127.0.0.1:port (0 = any), serves on a thread and returns
  // once accepting. Errors: kInvalidArgument for a bad org file, kTransport when binding fails.
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  void stop();                   // idempotent
  // The model; hold lock() while reading or changing it from outside the server.
  Org& org();
  std::unique_lock<std::mutex> lock();
  std::vector<WriteLogEntry> write_log() const;
  void set_faults(const FaultOptions& f);
  FaultStats fault_stats() const;
  // Makes every access token and query locator invalid (tests of expiry paths).
  void expire_tokens();
  void expire_locators();

  struct Impl;

 private:
  Server() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfrewind::emu
