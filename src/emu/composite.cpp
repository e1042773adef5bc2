// POST /composite: up to 25 subrequests run in order through the same handlers, with
// allOrNone (PROCESSING_HALTED), @{ref.field} references and per-subrequest headers.
#include <regex>

#include <fmt/format.h>

#include "emu/impl.hpp"

namespace sfrewind::emu {
namespace {

// Replaces @{ref.field} with values from earlier subresponse bodies.
std::string substitute(const std::string& text, const std::map<std::string, Json>& bodies) {
  static const std::regex kRef(R"(@\{([A-Za-z0-9_]+)\.([A-Za-z0-9_.\[\]]+)\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kRef);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += text.substr(last, static_cast<std::size_t>(m.position()) - last);
    last = static_cast<std::size_t>(m.position() + m.length());
    auto b = bodies.find(m[1].str());
    const Json* v = b == bodies.end() ? nullptr : &b->second;
    std::string path = m[2].str();
    std::size_t start = 0;
    while (v && start <= path.size()) {
      auto dot = path.find('.', start);
      std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      auto br = part.find('[');
      v = v->find(part.substr(0, br));
      if (v && br != std::string::npos) {
        std::size_t idx = std::strtoul(part.c_str() + br + 1, nullptr, 10);
        v = idx < v->items().size() ? &v->items()[idx] : nullptr;
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    out += v ? v->text() : m.str();
  }
  out += text.substr(last);
  return out;
}

bool counts_toward_five(const std::string& url) {
  return url.find("/query") != std::string::npos || url.find("/composite/sobjects") != std::string::npos;
}

}  // namespace

Resp Server::Impl::composite(const Req& req, const Session& s, const std::string& version) {
  auto body = Json::parse(req.body);
  const Json* list = body ? body->find("compositeRequest") : nullptr;
  if (!list || !list->is_array()) return error_resp(400, "JSON_PARSER_ERROR", "compositeRequest is required");
  if (list->items().size() > 25) {
    return error_resp(400, "INVALID_BATCH_REQUEST", "Composite request can't have more than 25 subrequests");
  }
  int heavy = 0;
  for (const auto& sub : list->items()) heavy += counts_toward_five(sub.str("url")) ? 1 : 0;
  if (heavy > 5) {
    return error_resp(400, "INVALID_BATCH_REQUEST",
                      "Composite request can't have more than 5 query or sObject Collections subrequests");
  }
  const Json* aon = body->find("allOrNone");
  bool all_or_none = aon && aon->as_bool();
  if (all_or_none) org.begin_tx();
  std::map<std::string, Json> bodies;
  std::vector<std::pair<std::string, Resp>> results;
  bool failed = false;
  for (const auto& sub : list->items()) {
    std::string ref = sub.str("referenceId");
    if (failed && all_or_none) {
      results.emplace_back(ref, Resp());
      continue;
    }
    Req r;
    r.method = sub.str("method", "GET");
    std::string url = substitute(sub.str("url"), bodies);
    auto q = url.find('?');
    r.path = url.substr(0, q);
    if (q != std::string::npos) {
      for (const auto& [k, v] : parse_form(url.substr(q + 1))) r.params.emplace(k, v);
    }
    if (const Json* h = sub.find("httpHeaders")) {
      for (const auto& [k, v] : h->members()) r.headers[k] = v.text();
    }
    if (const Json* b = sub.find("body")) r.body = substitute(b->dump(), bodies);
    Resp out;
    std::string prefix = "/services/data/v" + version + "/";
    if (r.path.rfind(prefix, 0) != 0) {
      out = error_resp(400, "INVALID_URL", "The URL must start with /services/data/v" + version);
    } else if (r.path.find("/composite", prefix.size() - 1) == prefix.size() - 1 &&
               r.path.find("/composite/sobjects") == std::string::npos) {
      out = error_resp(400, "INVALID_URL", "composite cannot be nested");
    } else {
      out = data(r, s, "v" + version, r.path.substr(prefix.size()));
    }
    if (out.status >= 400) failed = true;
    auto parsed = Json::parse(out.body);
    if (parsed) bodies[ref] = std::move(*parsed);
    results.emplace_back(ref, std::move(out));
  }
  if (all_or_none && failed) {
    org.rollback_tx();
    for (auto& [ref, r] : results) {
      if (r.status < 400) {
        r = error_resp(400, "PROCESSING_HALTED",
                       "The transaction was rolled back since another operation in the same transaction failed.");
      }
    }
  } else if (all_or_none) {
    org.commit_tx();
  }
  JsonWriter w;
  w.begin_object();
  w.key("compositeResponse");
  w.begin_array();
  for (const auto& [ref, r] : results) {
    w.begin_object();
    w.key("body");
    if (r.no_body || r.body.empty()) w.null();
    else w.raw(r.body);
    w.key("httpHeaders");
    w.begin_object();
    w.end_object();
    w.kv_int("httpStatusCode", r.status);
    w.kv("referenceId", ref);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_resp(200, w.take());
}

}  // namespace sfrewind::emu
