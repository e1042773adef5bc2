// SOQL safety: identifier validation, string literal escaping and datetime literals.
#pragma once

#include <string>
#include <string_view>

#include <sfrewind/error.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::api {

// Accepts an object or field API name, or a dotted relationship path of them: each segment
// starts with a letter, holds letters, digits and single underscores, and may end in `__c`,
// `__r`, `__History` etc. (one `ns__Name__c` namespace prefix allowed). Returns
// kInvalidArgument naming the identifier otherwise.
Status validate_identifier(std::string_view name);

// Escapes `s` for use inside a single-quoted SOQL string literal: backslash, ', ", \n, \r, \t,
// \b, \f; with `for_like` also the LIKE wildcards % and _.
std::string escape_soql(std::string_view s, bool for_like = false);

// `'...'` around escape_soql(s).
std::string quote_soql(std::string_view s, bool for_like = false);

// A SOQL datetime literal, `2026-03-10T12:34:56Z` (whole seconds, rounded down).
std::string soql_datetime(Timestamp t);

}  // namespace sfrewind::api
