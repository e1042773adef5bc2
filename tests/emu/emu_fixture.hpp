// Test helpers: an in-process sfrewind-emu on the acme sample org and a small HTTP client.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "emu/json.hpp"
#include "emu/server.hpp"

namespace sfrewind::emu::test {

inline std::string acme_file() { return std::string(SFREWIND_SOURCE_DIR) + "/samples/orgs/acme-incident.json"; }

// A running emulator with a fixed responder token "T-RESP" and accounting token "T-ACCT".
struct Emu {
  explicit Emu(ServerOptions o = {}) {
    if (o.org_file.empty() && o.generate.empty()) o.org_file = acme_file();
    o.fixed_tokens.emplace_back("T-RESP", "responder@acme.example");
    if (o.generate.empty()) o.fixed_tokens.emplace_back("T-ACCT", "integration.accounting@acme.example");
    auto s = Server::start(o);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
    server = std::move(*s);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_keep_alive(true);
  }
  httplib::Headers auth(const std::string& token = "T-RESP") const {
    return {{"Authorization", "Bearer " + token}};
  }
  static std::string data(const std::string& rest) { return "/services/data/v62.0/" + rest; }
  httplib::Result get(const std::string& rest, const std::string& token = "T-RESP") {
    return client->Get(data(rest).c_str(), auth(token));
  }
  httplib::Result query(const std::string& soql, const std::string& kind = "query",
                        httplib::Headers extra = {}) {
    httplib::Headers h = auth();
    h.insert(extra.begin(), extra.end());
    std::string path = data(kind) + "?q=" + httplib::detail::encode_query_param(soql);
    return client->Get(path.c_str(), h);
  }
  httplib::Result send(const std::string& method, const std::string& rest, const std::string& body,
                       const std::string& token = "T-RESP") {
    std::string p = data(rest);
    if (method == "PATCH") return client->Patch(p.c_str(), auth(token), body, "application/json");
    if (method == "DELETE") return client->Delete(p.c_str(), auth(token));
    return client->Post(p.c_str(), auth(token), body, "application/json");
  }
  std::unique_ptr<Server> server;
  std::unique_ptr<httplib::Client> client;
};

inline Json parse(const httplib::Result& r) {
  REQUIRE(r);
  auto j = Json::parse(r->body);
  REQUIRE_MESSAGE(j.has_value(), r->body);
  return *j;
}

// The first Id matching `soql`.
inline std::string first_id(Emu& emu, const std::string& soql) {
  Json j = parse(emu.query(soql));
  REQUIRE(j.find("records")->items().size() >= 1);
  return j.find("records")->items()[0].str("Id");
}

}  // namespace sfrewind::emu::test
