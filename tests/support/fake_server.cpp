// FakeServer: start/stop and request recording.
#include "support/fake_server.hpp"

#include <chrono>

namespace sfrewind::test {

std::string RecordedRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string RecordedRequest::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

FakeServer::FakeServer() = default;

// Wraps a handler so the request (body included, which pre-routing does not see yet) is
// recorded before the scripted handler runs.
FakeServer::Handler FakeServer::recording(Handler h) {
  return [this, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
    RecordedRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    r.headers = req.headers;
    r.body = req.body;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(std::move(r));
    }
    h(req, res);
  };
}

FakeServer::~FakeServer() { stop(); }

FakeServer& FakeServer::get(const std::string& pattern, Handler h) {
  server_.Get(pattern, recording(std::move(h)));
  return *this;
}
FakeServer& FakeServer::post(const std::string& pattern, Handler h) {
  server_.Post(pattern, recording(std::move(h)));
  return *this;
}
FakeServer& FakeServer::patch(const std::string& pattern, Handler h) {
  server_.Patch(pattern, recording(std::move(h)));
  return *this;
}

bool FakeServer::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs (cpp-httplib 0.11.4): wait, bounded.
  for (int i = 0; i < 500 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return server_.is_running();
}

void FakeServer::stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

std::string FakeServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<RecordedRequest> FakeServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::size_t FakeServer::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

}  // namespace sfrewind::test
