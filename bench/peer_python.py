#!/usr/bin/env python3
"""peer_python: the Field History sync a competent user writes with the Python 3 stdlib only.

Pages every history object with queryAll and the same SOQL and batch size as sfrewind, and
stores the same columns into SQLite with a unique history id, one transaction per page.
Prints one JSON line: rows, new, api_calls, seconds.
"""
import argparse
import json
import sqlite3
import time
import urllib.parse
import urllib.request

OBJECTS = {  # history object -> (tracked object, parent column)
    "AccountHistory": ("Account", "AccountId"),
    "OpportunityFieldHistory": ("Opportunity", "OpportunityId"),
    "Invoice__History": ("Invoice__c", "ParentId"),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS history (
  history_id TEXT PRIMARY KEY, sobject TEXT NOT NULL, record_id TEXT NOT NULL,
  field TEXT NOT NULL, data_type TEXT, old_value TEXT, new_value TEXT,
  changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, is_deleted INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS history_by_record ON history (record_id, field, changed_at);
"""

INSERT = ("INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def text(value):
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def get(url, token, batch_size):
    request = urllib.request.Request(url, headers={
        "Authorization": "Bearer " + token,
        "Sforce-Query-Options": "batchSize=%d" % batch_size,
        "Accept": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def sync_object(db, base, token, batch_size, history_object):
    sobject, parent = OBJECTS[history_object]
    soql = ("SELECT Id, %s, Field, DataType, OldValue, NewValue, CreatedById, CreatedDate, "
            "IsDeleted FROM %s ORDER BY CreatedDate, Id" % (parent, history_object))
    url = base + "/services/data/v62.0/queryAll?q=" + urllib.parse.quote(soql)
    rows = new = calls = 0
    while url:
        page = get(url, token, batch_size)
        calls += 1
        batch = [(r["Id"], sobject, r[parent], r["Field"], r.get("DataType"),
                  text(r.get("OldValue")), text(r.get("NewValue")), r["CreatedById"],
                  r["CreatedDate"], 1 if r.get("IsDeleted") else 0) for r in page["records"]]
        with db:  # one transaction per page
            before = db.total_changes
            db.executemany(INSERT, batch)
            new += db.total_changes - before
        rows += len(batch)
        url = None if page.get("done", True) else base + page["nextRecordsUrl"]
    return rows, new, calls


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--instance-url", required=True)
    p.add_argument("--access-token", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--batch-size", type=int, default=2000)
    a = p.parse_args()
    start = time.monotonic()
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    rows = new = calls = 0
    for history_object in OBJECTS:
        r, n, c = sync_object(db, a.instance_url.rstrip("/"), a.access_token, a.batch_size,
                              history_object)
        rows, new, calls = rows + r, new + n, calls + c
    db.close()
    print(json.dumps({"rows": rows, "new": new, "api_calls": calls,
                      "seconds": round(time.monotonic() - start, 3)}))


if __name__ == "__main__":
    main()
