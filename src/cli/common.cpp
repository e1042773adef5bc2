// Helpers shared by commands.
#include "cli/common.hpp"

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>

namespace sfrewind::cli {

Result<Store> open_store(Context& ctx, bool create) {
  auto store = Store::open(StoreOptions{ctx.global.store, create, false});
  if (!store) return store.error();
  if (!ctx.global.quiet) {
    for (const std::string& w : store->warnings()) ctx.err << "sfrewind: warning: " << w << "\n";
  }
  return store;
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 80) out += "...";
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  auto flush = [&] {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    item.clear();
  };
  for (char c : text) {
    if (c == ',') {
      flush();
    } else {
      item += c;
    }
  }
  flush();
  return out;
}

Result<Timestamp> parse_time_option(const std::string& option, const std::string& text) {
  auto t = Timestamp::parse_cli(text, Timestamp::now());
  if (!t) return with_context(t.error(), option);
  return t;
}

Result<std::string> resolve_user_online(api::RestClient& client, const std::string& key) {
  if (auto id = RecordId::parse(key)) {
    if (id->key_prefix() != "005") {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("'{}' is not a user id (user ids start with 005)", printable(key)));
    }
    return id->str();
  }
  if (key.find('@') == std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("user '{}' is neither a user id nor a username", printable(key)));
  }
  auto pager = client.query("SELECT Id FROM User WHERE Username = " + api::quote_soql(key));
  auto page = pager.next_records();
  if (!page) return page.error();
  if (page->records.empty()) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("no user '{}' in the org", printable(key)));
  }
  auto id = RecordId::parse(page->records.front().text("Id"));
  if (!id) return id.error();
  return id->str();
}

void keep_until_exit(std::shared_ptr<void> object) {
  // Never destroyed: a static vector would free its objects at exit after all.
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  kept->push_back(std::move(object));
}

}  // namespace sfrewind::cli
