// Fuzz entry points shared by the libFuzzer targets (fuzz/*.cpp) and the corpus replay test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <sfrewind/api/composite.hpp>
#include <sfrewind/api/records.hpp>
#include <sfrewind/api/soql.hpp>
#include <sfrewind/types.hpp>

#include "api/json.hpp"
#include "cli/config.hpp"
#include "emu/soql.hpp"

namespace sfrewind::fuzz {

// Every entry takes the raw input and returns "" when all properties held, or a description of
// the broken property. Crashes and sanitizer reports are the other failures.
using Entry = std::string (*)(std::string_view input);

// A query page body decoded as AccountHistory and as a custom object's history.
inline std::string history_page(std::string_view input) {
  api::JsonParser parser;
  for (const char* sobject : {"Account", "Invoice__c"}) {
    auto page = parser.history_page(input, api::history_object_for(sobject), "00D000000000001");
    if (!page) continue;
    if (page->info.done && !page->info.next_records_url.empty()) return "done page with a next url";
    for (const HistoryRow& row : page->rows) {
      if (row.history_id.size() != 18 || row.record_id.size() != 18) return "row id is not 18 chars";
    }
  }
  (void)parser.record_page(input);
  return "";
}

// A /composite or sObject Collections response, and each subresponse body as a record or errors.
inline std::string composite_response(std::string_view input) {
  if (auto subs = api::decode_composite_response(input)) {
    for (const auto& s : *subs) {
      (void)api::decode_record(s.body_json);
      (void)api::decode_api_errors(s.body_json);
    }
  }
  (void)api::decode_record_outcomes(input);
  (void)api::decode_api_errors(input);
  return "";
}

// Parsed timestamps format and parse back to themselves.
inline std::string timestamp(std::string_view input) {
  auto t = Timestamp::parse(input);
  if (auto cli = Timestamp::parse_cli(input, Timestamp(1'800'000'000'000)); !cli && t) {
    return "parse accepts what parse_cli refuses";
  }
  if (!t) return "";
  for (const std::string& text : {t->to_iso(), t->to_salesforce()}) {
    auto back = Timestamp::parse(text);
    if (!back || *back != *t) return fmt::format("{} does not round-trip", text);
  }
  auto soql = Timestamp::parse(t->to_soql());
  if (!soql || soql->ms() / 1000 != t->ms() / 1000 - (t->ms() % 1000 < 0 ? 1 : 0)) {
    return fmt::format("{} does not round-trip", t->to_soql());
  }
  (void)t->to_http_date();
  return "";
}

// Parsed ids are 18 characters, stable under a second parse and under their 15-char prefix.
inline std::string record_id(std::string_view input) {
  auto id = RecordId::parse(input);
  if (!id) return "";
  if (id->str().size() != 18) return "parsed id is not 18 characters";
  auto again = RecordId::parse(id->str());
  if (!again || *again != *id) return "18-char form does not parse back to itself";
  auto short_form = RecordId::parse(id->str().substr(0, 15));
  if (!short_form || *short_form != *id) return "15-char prefix gives another id";
  return "";
}

// Escaped text inside quotes parses back to the original with the emulator's SOQL parser (for
// LIKE patterns, parsing is enough: the emulator drops the wildcard escapes).
inline std::string soql_escape(std::string_view input) {
  for (bool for_like : {false, true}) {
    std::string soql = std::string("SELECT Id FROM Account WHERE Name ") + (for_like ? "LIKE " : "= ") +
                       api::quote_soql(input, for_like);
    auto query = emu::parse_soql(soql);
    if (!query) return "escaped literal does not parse: " + query.error().message;
    if (!query->where || query->where->cond.values.size() != 1) return "literal lost";
    if (!for_like && query->where->cond.values.front().text != input) {
      return "literal does not round-trip";
    }
  }
  return "";
}

// A config file's text; accepted keys are all known ones.
inline std::string config_text(std::string_view input) {
  auto config = cli::parse_config(input, "fuzz.conf");
  if (!config) {
    if (config.error().message.find('\n') != std::string::npos) return "multi-line error";
    return "";
  }
  for (const auto& [key, value] : *config) {
    bool known = false;
    for (const char* k : cli::kConfigKeys) known = known || key == k;
    if (!known) return "unknown key accepted: " + key;
  }
  return "";
}

// The emulator's SOQL parser on arbitrary text.
inline std::string emu_soql(std::string_view input) {
  auto query = emu::parse_soql(input);
  if (query && query->from.empty() && !query->count && query->select.empty()) {
    return "query without FROM or select list accepted";
  }
  return "";
}

// Runs `entry` on libFuzzer's input and aborts (a crash to libFuzzer) when a property broke.
inline int run_one(Entry entry, const std::uint8_t* data, std::size_t size) {
  std::string broken = entry(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "property broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}

struct Target {
  const char* name;  // also the corpus folder fuzz/corpus/<name>
  Entry entry;
};

inline constexpr Target kTargets[] = {
    {"history_page", history_page}, {"composite_response", composite_response},
    {"timestamp", timestamp},       {"record_id", record_id},
    {"soql_escape", soql_escape},   {"config_text", config_text},
    {"emu_soql", emu_soql},
};

}  // namespace sfrewind::fuzz
