// peer_jsforce: the Field History sync a competent user writes with jsforce 3 and better-sqlite3.
// Same SOQL (queryAll), batch size and columns as sfrewind; one transaction per page, written
// from the autoFetch 'record' stream in page-sized chunks. Prints one JSON line.
'use strict';
const jsforce = require('jsforce');
const Database = require('better-sqlite3');

const OBJECTS = [  // [history object, tracked object, parent column]
  ['AccountHistory', 'Account', 'AccountId'],
  ['OpportunityFieldHistory', 'Opportunity', 'OpportunityId'],
  ['Invoice__History', 'Invoice__c', 'ParentId'],
];

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) throw new Error('missing --' + name);
  return fallback;
}

function text(v) {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function openDb(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS history (
    history_id TEXT PRIMARY KEY, sobject TEXT NOT NULL, record_id TEXT NOT NULL,
    field TEXT NOT NULL, data_type TEXT, old_value TEXT, new_value TEXT,
    changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, is_deleted INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS history_by_record ON history (record_id, field, changed_at);`);
  return db;
}

function syncObject(conn, db, batchSize, [historyObject, sobject, parent]) {
  const insert = db.prepare('INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  let added = 0;
  const writePage = db.transaction((records) => {
    for (const r of records) {
      added += insert.run(r.Id, sobject, r[parent], r.Field, r.DataType ?? null, text(r.OldValue),
                          text(r.NewValue), r.CreatedById, r.CreatedDate, r.IsDeleted ? 1 : 0).changes;
    }
  });
  const soql = `SELECT Id, ${parent}, Field, DataType, OldValue, NewValue, CreatedById, ` +
               `CreatedDate, IsDeleted FROM ${historyObject} ORDER BY CreatedDate, Id`;
  return new Promise((resolve, reject) => {
    let page = [];
    let rows = 0;
    const query = conn.query(soql, {
      autoFetch: true, maxFetch: 1e9, scanAll: true,
      headers: { 'Sforce-Query-Options': `batchSize=${batchSize}` },
    });
    query.on('record', (r) => {
      page.push(r);
      if (page.length === batchSize) { writePage(page); rows += page.length; page = []; }
    });
    query.on('end', () => {
      if (page.length) { writePage(page); rows += page.length; }
      resolve({ rows, added });
    });
    query.on('error', reject);
    query.run();
  });
}

async function main() {
  const start = process.hrtime.bigint();
  const batchSize = Number(arg('batch-size', '2000'));
  const conn = new jsforce.Connection({
    instanceUrl: arg('instance-url'), accessToken: arg('access-token'), version: '62.0',
  });
  let calls = 0;
  const request = conn.request.bind(conn);  // counts the HTTP calls jsforce makes
  conn.request = (...a) => { calls += 1; return request(...a); };
  const db = openDb(arg('db'));
  let rows = 0;
  let added = 0;
  for (const o of OBJECTS) {
    const r = await syncObject(conn, db, batchSize, o);
    rows += r.rows;
    added += r.added;
  }
  db.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ rows, new: added, api_calls: calls, seconds: Number(seconds.toFixed(3)) }));
}

main().catch((e) => { console.error('peer_jsforce:', e.message); process.exit(1); });
