#!/usr/bin/env python3
"""summarize: one-line notes for scripts/bench.sh from `sfrewind --json plan` / `apply` output."""
import json
import math
import sys


def last_json(path):
    return json.loads(open(path).read().strip().splitlines()[-1])


def main():
    kind, out = sys.argv[1], sys.argv[2]
    try:
        doc = json.loads(open(out).read()) if kind == "apply" else last_json(out)
    except (ValueError, IndexError):
        err = open(sys.argv[3]).read() if len(sys.argv) > 3 else ""
        print("failed:", err[:150].replace("|", "/").replace("\n", " "))
        return
    if kind == "plan":
        status = ", ".join(f"{k} {v}" for k, v in sorted(doc["by_status"].items()))
        print(f'{doc["items"]} items: {status}')
        return
    written = doc["records_written"]
    # /composite carries at most 5 sObject Collections of 200 records: 1000 records a call.
    writes = math.ceil(written / 1000)
    print(f'{doc["applied"]} applied, {written} records written, {doc["api_calls"]} API calls '
          f'(tool estimate {doc["api_calls_estimate"]}; write floor {writes} = ceil(w/1000) '
          f'/composite calls of 5 collections x 200, plus one compare-before-write re-read each: '
          f'{2 * writes})')


if __name__ == "__main__":
    main()
