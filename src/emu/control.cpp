// The loopback control endpoint: /__emu/faults, /__emu/reset-faults, /__emu/writelog,
// /__emu/generate-edits, /__emu/expire-tokens and /__emu/expire-locators (127.0.0.1 only).
#include <sfrewind/types.hpp>

#include "emu/impl.hpp"

namespace sfrewind::emu {

Resp Server::Impl::control(const Req& req) {
  if (req.path == "/__emu/writelog") {
    JsonWriter w;
    w.begin_array();
    for (const auto& e : org.write_log) {
      w.begin_object();
      w.kv("time", Timestamp(e.time_ms).to_salesforce());
      w.kv("user", e.user);
      w.kv("sobject", e.sobject);
      w.kv("id", e.record_id);
      w.kv("field", e.field);
      w.kv_raw("value", e.value);
      w.end_object();
    }
    w.end_array();
    return json_resp(200, w.take());
  }
  if (req.path == "/__emu/reset-faults") {
    faults = FaultOptions();
    reset_fault_state();
    return json_resp(200, "{}");
  }
  if (req.path == "/__emu/faults" && req.method == "POST") {
    FaultOptions f = faults;
    std::string spec = req.body;
    auto json = Json::parse(req.body);
    if (json && json->is_object()) {
      spec.clear();
      for (const auto& [k, v] : json->members()) {
        std::string val = v.text();
        if (v.is_array()) {
          for (const auto& item : v.items()) val += (val.empty() ? "" : ";") + item.text();
        }
        spec += (spec.empty() ? "" : ",") + k + "=" + val;
      }
    }
    if (auto st = parse_faults(spec, &f); !st) return error_resp(400, "INVALID_FIELD", st.error().message);
    faults = f;
    reset_fault_state();
    return json_resp(200, "{}");
  }
  if (req.path == "/__emu/generate-edits" && req.method == "POST") {
    auto json = Json::parse(req.body);
    std::uint64_t edits = 0, seed = 1;
    if (json && json->is_object()) {
      for (const auto& [k, v] : json->members()) {
        if (k == "edits") edits = std::strtoull(v.text().c_str(), nullptr, 10);
        if (k == "seed") seed = std::strtoull(v.text().c_str(), nullptr, 10);
      }
    }
    if (edits == 0) return error_resp(400, "INVALID_FIELD", "body must be {\"edits\": N, \"seed\": S}");
    if (auto st = add_generated_edits(org, edits, seed); !st) {
      return error_resp(400, "INVALID_FIELD", st.error().message);
    }
    return json_resp(200, "{}");
  }
  if (req.path == "/__emu/expire-tokens") {
    for (auto& [t, info] : tokens) info.expires_ms = 0;
    return json_resp(200, "{}");
  }
  if (req.path == "/__emu/expire-locators") {
    queries.expire_all();
    return json_resp(200, "{}");
  }
  return error_resp(404, "NOT_FOUND", "unknown control endpoint");
}

}  // namespace sfrewind::emu
