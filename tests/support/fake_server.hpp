// FakeServer: an in-process cpp-httplib server on 127.0.0.1 (any port) with scripted handlers
// and a log of every request it received.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace sfrewind::test {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;  // decoded query parameters
  httplib::Headers headers;                         // case-insensitive lookup via find()
  std::string body;

  // The header's value or "" (case-insensitive).
  std::string header(const std::string& name) const;
  // The query parameter's value or "".
  std::string param(const std::string& name) const;
};

// Register handlers with get()/post()/patch(), which record each request they serve (handlers
// added through server() directly are not recorded), then start(). Stops in the
// destructor. Thread-safety: requests() may be called while the server runs.
class FakeServer {
 public:
  using Handler = httplib::Server::Handler;

  FakeServer();
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  FakeServer& get(const std::string& pattern, Handler h);
  FakeServer& post(const std::string& pattern, Handler h);
  FakeServer& patch(const std::string& pattern, Handler h);
  httplib::Server& server() { return server_; }

  // Binds 127.0.0.1:0 and serves on a thread; returns false when the server did not come up
  // within a bounded wait.
  bool start();
  void stop();

  int port() const { return port_; }
  // "http://127.0.0.1:PORT"
  std::string url() const;
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;

 private:
  Handler recording(Handler h);

  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace sfrewind::test
