// SHA-256 for plan ids and content hashes (private to rollback).
#pragma once

#include <string>
#include <string_view>

namespace sfrewind::rollback {

// The lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace sfrewind::rollback
