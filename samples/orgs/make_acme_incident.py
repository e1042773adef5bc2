#!/usr/bin/env python3
"""Writes acme-incident.json: the sample org for sfrewind-emu (deterministic, stdlib only).

Run from anywhere: python3 samples/orgs/make_acme_incident.py
The story and the exact counts are in samples/README.md.
"""
import datetime as dt
import json
import os
import random

SEED = 20261120
rng = random.Random(SEED)

ADMIN = "admin@acme.example"
RESPONDER = "responder@acme.example"
ACCOUNTING = "integration.accounting@acme.example"
MARKETING = "integration.marketing@acme.example"
SALES = "sam.sales@acme.example"
FINANCE = "dana.finance@acme.example"

ORDINARY_FROM = dt.datetime(2026, 8, 22, tzinfo=dt.timezone.utc)
INCIDENT_FROM = dt.datetime(2026, 11, 20, 1, 0, 0, tzinfo=dt.timezone.utc)
INCIDENT_TO = dt.datetime(2026, 11, 20, 3, 0, 0, tzinfo=dt.timezone.utc)
MORNING = dt.datetime(2026, 11, 20, 8, 30, 0, tzinfo=dt.timezone.utc)

N_ACCOUNTS, N_OPPS, N_INVOICES = 40, 30, 600
N_FLIPPED, N_BANK, N_FIXED_INVOICES, N_FIXED_BANK = 300, 25, 5, 2


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def iban():
    return "DE%02d%018d" % (rng.randrange(10, 99), rng.randrange(10**17, 10**18))


def schema():
    return [
        {"name": "Account", "key_prefix": "001", "fields": [
            {"name": "OwnerId", "tracked": True},
            {"name": "Bank_Account__c", "label": "Bank Account", "type": "string", "length": 34, "tracked": True},
            {"name": "Credit_Limit__c", "label": "Credit Limit", "type": "currency", "precision": 16, "scale": 2, "tracked": True},
            {"name": "Industry", "type": "picklist", "picklist": ["Manufacturing", "Retail", "Energy", "Finance"]}]},
        {"name": "Opportunity", "key_prefix": "006", "fields": [
            {"name": "AccountId", "label": "Account ID", "type": "reference", "reference_to": "Account", "relationship_name": "Account"},
            {"name": "Amount", "type": "currency", "precision": 16, "scale": 2, "tracked": True},
            {"name": "StageName", "label": "Stage", "type": "picklist", "tracked": True,
             "picklist": ["Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"]},
            {"name": "CloseDate", "label": "Close Date", "type": "date"}]},
        {"name": "Invoice__c", "label": "Invoice", "key_prefix": "a0I", "fields": [
            {"name": "Account__c", "label": "Account", "type": "reference", "reference_to": "Account"},
            {"name": "Paid__c", "label": "Paid", "type": "boolean", "tracked": True},
            {"name": "Date_Paid__c", "label": "Date Paid", "type": "date", "tracked": True},
            {"name": "Amount__c", "label": "Amount", "type": "currency", "precision": 16, "scale": 2, "tracked": True},
            {"name": "Status__c", "label": "Status", "type": "picklist", "tracked": True,
             "picklist": ["Draft", "Sent", "Paid", "Overdue"]},
            {"name": "Notes__c", "label": "Notes", "type": "textarea", "length": 32768, "tracked": True},
            {"name": "Days_Outstanding__c", "label": "Days Outstanding", "type": "double", "calculated": True}],
         "validation_rules": [
            {"name": "Amount_Not_Negative", "message": "Amount must not be negative.", "error_field": "Amount__c",
             "when": [{"field": "Amount__c", "op": "<", "value": 0}]}]},
    ]


def main():
    records, edits = [], []
    t0 = dt.datetime(2026, 8, 15, 9, 0, 0, tzinfo=dt.timezone.utc)
    owners = [ADMIN, SALES]
    banks = {}
    for i in range(N_ACCOUNTS):
        key = "acct-%03d" % i
        banks[key] = iban()
        records.append({"key": key, "type": "Account", "time": iso(t0 + dt.timedelta(minutes=i)),
                        "user": ADMIN, "fields": {"Name": "Acme Customer %03d" % i, "OwnerId": "@user:" + owners[i % 2],
                                                  "Bank_Account__c": banks[key],
                                                  "Credit_Limit__c": rng.randrange(10, 500) * 1000,
                                                  "Industry": rng.choice(["Manufacturing", "Retail", "Energy", "Finance"])}})
    for i in range(N_OPPS):
        records.append({"key": "opp-%03d" % i, "type": "Opportunity", "time": iso(t0 + dt.timedelta(hours=2, minutes=i)),
                        "user": SALES, "fields": {"Name": "Deal %03d" % i, "AccountId": "@acct-%03d" % (i % N_ACCOUNTS),
                                                  "Amount": rng.randrange(5, 200) * 1000, "StageName": "Prospecting",
                                                  "CloseDate": "2026-12-%02d" % (1 + i % 28)}})
    paid = {}
    for i in range(N_INVOICES):
        key = "inv-%03d" % i
        paid[key] = False
        records.append({"key": key, "type": "Invoice__c", "time": iso(t0 + dt.timedelta(days=1, minutes=i)),
                        "user": FINANCE, "fields": {"Name": "INV-2026-%04d" % i, "Account__c": "@acct-%03d" % (i % N_ACCOUNTS),
                                                    "Amount__c": "%d.%02d" % (rng.randrange(100, 20000), rng.randrange(100)),
                                                    "Status__c": "Draft", "Notes__c": "Created from order %d" % (1000 + i)}})
    # Ninety days of ordinary work.
    minutes = 0
    for day in range(90):
        base = ORDINARY_FROM + dt.timedelta(days=day, hours=8)
        for _ in range(rng.randrange(8, 16)):
            minutes = rng.randrange(0, 9 * 60)
            t = base + dt.timedelta(minutes=minutes, seconds=rng.randrange(60))
            inv = "inv-%03d" % rng.randrange(N_INVOICES - 1)
            kind = rng.random()
            if kind < 0.35:
                edits.append({"time": iso(t), "user": ACCOUNTING, "record": inv, "fields": {"Status__c": "Sent"}})
            elif kind < 0.55 and not paid[inv]:
                paid[inv] = True
                edits.append({"time": iso(t), "user": FINANCE, "record": inv,
                              "fields": {"Paid__c": True, "Date_Paid__c": t.strftime("%Y-%m-%d"), "Status__c": "Paid"}})
            elif kind < 0.70:
                edits.append({"time": iso(t), "user": FINANCE, "record": inv, "fields": {"Notes__c": "Customer called on %s" % t.date()}})
            elif kind < 0.85:
                edits.append({"time": iso(t), "user": SALES, "record": "opp-%03d" % rng.randrange(N_OPPS),
                              "fields": {"StageName": rng.choice(["Qualification", "Negotiation", "Closed Won"])}})
            elif kind < 0.95:
                edits.append({"time": iso(t), "user": ADMIN, "record": "acct-%03d" % rng.randrange(N_ACCOUNTS),
                              "fields": {"Credit_Limit__c": rng.randrange(10, 500) * 1000}})
            else:
                edits.append({"time": iso(t), "user": MARKETING, "record": "opp-%03d" % rng.randrange(N_OPPS),
                              "fields": {"Amount": rng.randrange(5, 200) * 1000}})
    deleted = "inv-%03d" % (N_INVOICES - 1)
    edits.append({"time": "2026-10-01T10:15:00Z", "user": ADMIN, "record": deleted, "op": "delete"})
    edits.sort(key=lambda e: e["time"])
    # The incident: two hours at night, the accounting integration's credential.
    unpaid = [k for k, v in sorted(paid.items()) if not v and k != deleted]
    flipped = sorted(rng.sample(unpaid, N_FLIPPED))
    bank_hit = sorted(rng.sample(sorted(banks), N_BANK))
    span = (INCIDENT_TO - INCIDENT_FROM).total_seconds() - 60
    night = []
    for i, inv in enumerate(flipped):
        t = INCIDENT_FROM + dt.timedelta(seconds=int(span * i / N_FLIPPED))
        night.append({"time": iso(t), "user": ACCOUNTING, "record": inv,
                      "fields": {"Paid__c": True, "Date_Paid__c": "2026-11-19"}})
    for i, acct in enumerate(bank_hit):
        t = INCIDENT_FROM + dt.timedelta(seconds=int(span * i / N_BANK) + 17)
        night.append({"time": iso(t), "user": ACCOUNTING, "record": acct, "fields": {"Bank_Account__c": "LT%018d" % (601010000000000000 + i)}})
    night.append({"time": "2026-11-20T02:41:07Z", "user": ACCOUNTING, "record": bank_hit[0],
                  "fields": {"OwnerId": "@user:" + ACCOUNTING}})
    night.sort(key=lambda e: e["time"])
    # Next morning the admin corrects a few by hand; finance keeps working.
    morning = []
    for i, inv in enumerate(flipped[:N_FIXED_INVOICES]):
        morning.append({"time": iso(MORNING + dt.timedelta(minutes=3 * i)), "user": ADMIN, "record": inv,
                        "fields": {"Paid__c": False, "Date_Paid__c": None}})
    for i, acct in enumerate(bank_hit[:N_FIXED_BANK]):
        morning.append({"time": iso(MORNING + dt.timedelta(minutes=20 + 3 * i)), "user": ADMIN, "record": acct,
                        "fields": {"Bank_Account__c": banks[acct]}})
    later = flipped[N_FIXED_INVOICES]
    morning.append({"time": "2026-11-20T09:45:00Z", "user": FINANCE, "record": later,
                    "fields": {"Status__c": "Paid", "Notes__c": "Customer confirmed payment by phone"}})
    logins = [
        {"user": ACCOUNTING, "time": "2026-11-19T14:02:11Z", "application": "acme-accounting-app", "source_ip": "10.20.0.15"},
        {"user": ACCOUNTING, "time": "2026-11-20T00:58:42Z", "application": "acme-accounting-app", "source_ip": "185.220.101.47"},
        {"user": ADMIN, "time": "2026-11-20T08:25:03Z", "application": "Browser", "source_ip": "10.20.0.7"},
    ]
    org = {
        "org_id": "00D5g00000ACME1",
        "instance_name": "ACME1",
        "created": "2026-08-01T00:00:00Z",
        "licenses": [{"name": "Salesforce", "key": "SFDC"},
                     {"name": "Salesforce Integration", "key": "SFDC_INTEGRATION"}],
        "profiles": [{"name": "System Administrator", "license": "Salesforce"},
                     {"name": "Standard User", "license": "Salesforce"},
                     {"name": "Minimum Access - API Only Integrations", "license": "Salesforce Integration", "api_only": True}],
        "users": [
            {"username": ADMIN, "name": "Alex Admin", "profile": "System Administrator"},
            {"username": RESPONDER, "name": "Riley Responder", "profile": "System Administrator"},
            {"username": ACCOUNTING, "name": "Accounting Integration", "profile": "Minimum Access - API Only Integrations"},
            {"username": MARKETING, "name": "Marketing Integration", "profile": "Minimum Access - API Only Integrations"},
            {"username": SALES, "name": "Sam Sales", "profile": "Standard User"},
            {"username": FINANCE, "name": "Dana Finance", "profile": "Standard User"},
        ],
        "connected_apps": [
            {"name": "acme-responder-app", "client_id": "acme-responder-app", "client_secret": "acme-responder-secret",
             "run_as": RESPONDER, "certificate_file": "acme-responder-jwt.TEST-ONLY.crt"},
            {"name": "acme-accounting-app", "client_id": "acme-accounting-app", "client_secret": "acme-accounting-secret",
             "run_as": ACCOUNTING},
            {"name": "acme-marketing-app", "client_id": "acme-marketing-app", "client_secret": "acme-marketing-secret",
             "run_as": MARKETING},
        ],
        "refresh_tokens": [{"token": "acme-responder-refresh-TEST-ONLY", "client_id": "acme-responder-app", "username": RESPONDER}],
        "logins": logins,
        "objects": schema(),
        "records": records,
        "edits": edits + night + morning,
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "acme-incident.json")
    with open(out, "w") as f:
        json.dump(org, f, indent=1, sort_keys=False)
        f.write("\n")
    print("wrote %s: %d records, %d edits (%d ordinary, %d incident, %d morning)" % (
        out, len(records), len(edits) + len(night) + len(morning), len(edits), len(night), len(morning)))
    print("first flipped invoice key:", flipped[0], " bank accounts hit:", bank_hit[:3], "...")


if __name__ == "__main__":
    main()
