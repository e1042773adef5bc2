#!/usr/bin/env bash
# Checks the module boundaries of STYLE.md: curl only in src/http, sqlite3 only in src/store,
# simdjson only in src/api and src/emu, and no third-party header in the public API.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() {  # pattern, allowed path regex
  local hits
  hits=$(grep -rlE "#include <($1)" include src | grep -vE "$2" || true)
  if [[ -n "$hits" ]]; then echo "check_includes: <$1> outside $2:"; echo "$hits"; fail=1; fi
}
check "curl/" "^src/(http|cli)/"
check "sqlite3\.h" "^src/store/"
check "openssl/" "^src/(core|auth|emu|rollback)/"
check "simdjson" "^src/(api|emu)/"
check "CLI/" "^src/cli/"
check "httplib" "^src/emu/"
if grep -rnE "#include <(curl/|sqlite3|simdjson|CLI/|httplib|fmt/|openssl/)" include; then
  echo "check_includes: a public header includes a third-party header"; fail=1
fi
exit $fail
