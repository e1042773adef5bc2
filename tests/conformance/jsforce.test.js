// jsforce 3 against sfrewind-emu: a client written by others must log in, page, update and
// read composite results the way it does against real Salesforce. Every result is asserted;
// the last line must read "N passed, 0 failed" (scripts/conformance.sh checks it).
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const readline = require('readline');
const jsforce = require('jsforce');

const [, , emuBin, orgFile] = process.argv;
let passed = 0;
let failed = 0;

function check(cond, what) {
  if (cond) {
    passed += 1;
    console.log('ok   ' + what);
  } else {
    failed += 1;
    console.log('FAIL ' + what);
  }
}

function startEmu() {
  return new Promise((resolve, reject) => {
    const child = spawn(emuBin, ['--org', orgFile, '--port', '0', '--token-ttl', '3600'],
                        { stdio: ['ignore', 'pipe', 'inherit'] });
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      const m = /^sfrewind-emu listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!m) reject(new Error('unexpected first line: ' + line));
      else resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error('emulator exited with ' + code)));
  });
}

async function expectError(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return e;
  }
}

async function main() {
  const { child, url } = await startEmu();
  try {
    await run(url);
  } finally {
    child.kill('SIGTERM');
  }
}

async function run(url) {
  // Client-credentials login through jsforce's own token request (chunked body).
  const conn = new jsforce.Connection({
    oauth2: { clientId: 'acme-responder-app', clientSecret: 'acme-responder-secret', loginUrl: url },
    version: '62.0',
  });
  const who = await conn.authorize({ grant_type: 'client_credentials' });
  check(conn.accessToken && conn.accessToken.startsWith('00D5g00000ACME1!'), 'client credentials login gives an org token');
  check(conn.instanceUrl === url, 'instance_url is the emulator');
  check(who.id && who.id.startsWith('005') && who.organizationId.startsWith('00D'), 'user and org ids parsed from the id URL');

  const bad = new jsforce.Connection({ oauth2: { clientId: 'acme-responder-app', clientSecret: 'nope', loginUrl: url }, version: '62.0' });
  const badErr = await expectError(bad.authorize({ grant_type: 'client_credentials' }));
  check(badErr && badErr.name === 'invalid_grant', 'a bad secret fails as invalid_grant (got ' + (badErr && badErr.name) + ')');

  // autoFetch over several pages.
  const all = await conn.query('SELECT Id, ParentId, Field, OldValue, NewValue, CreatedDate FROM Invoice__History ORDER BY CreatedDate, Id',
                               { autoFetch: true, maxFetch: 100000, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
  check(all.totalSize > 2000, 'Invoice__History has more than one page (' + all.totalSize + ')');
  check(all.records.length === all.totalSize, 'autoFetch collected every row');
  check(new Set(all.records.map((r) => r.Id)).size === all.totalSize, 'no row repeated across pages');
  const paid = all.records.find((r) => r.Field === 'Paid__c');
  check(paid && typeof paid.NewValue === 'boolean', 'checkbox history values are JSON booleans');

  const page = await conn.query('SELECT Id FROM Invoice__History', { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
  check(page.done === false && page.records.length === 200, 'batchSize=200 gives 200-row pages');
  const more = await conn.queryMore(page.nextRecordsUrl);
  check(more.records.length === 200 && more.records[0].Id !== page.records[0].Id, 'queryMore continues at the locator with the same batch size');

  // queryAll sees the recycle bin.
  const live = await conn.query('SELECT Id FROM Invoice__History WHERE IsDeleted = true');
  const binned = await conn.query('SELECT Id, IsDeleted FROM Invoice__History WHERE IsDeleted = true', { scanAll: true });
  check(live.totalSize === 0, 'query does not see deleted history');
  check(binned.totalSize >= 1 && binned.records[0].IsDeleted === true, 'queryAll (scanAll) sees deleted history');

  // Collections update with one failing record.
  const inv = await conn.query("SELECT Id, Amount__c FROM Invoice__c WHERE Name IN ('INV-2026-0010', 'INV-2026-0011') ORDER BY Name");
  const [a, b] = inv.records;
  const res = await conn.sobject('Invoice__c').update([{ Id: a.Id, Amount__c: 10 }, { Id: b.Id, Amount__c: -5 }], { allOrNone: false });
  check(Array.isArray(res) && res.length === 2, 'collections update answers one result per record');
  check(res[0].success === true && res[0].id === a.Id, 'the valid record is updated');
  check(res[1].success === false && res[1].errors[0].statusCode === 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        'the invalid record fails with FIELD_CUSTOM_VALIDATION_EXCEPTION');
  const after = await conn.sobject('Invoice__c').retrieve(a.Id);
  check(after.Amount__c === 10, 'the update is visible on retrieve');
  const hist = await conn.query(`SELECT Field, NewValue, CreatedBy.Username FROM Invoice__History WHERE ParentId = '${a.Id}' AND Field = 'Amount__c'`);
  check(hist.totalSize === 1 && hist.records[0].CreatedBy.Username === 'responder@acme.example',
        'the API write made history attributed to the token user');

  // /composite with allOrNone.
  const comp = await conn.requestPost('/composite', {
    allOrNone: true,
    collateSubrequests: false,
    compositeRequest: [
      { method: 'PATCH', referenceId: 'ok', url: `/services/data/v62.0/sobjects/Invoice__c/${b.Id}`, body: { Amount__c: 20 } },
      { method: 'PATCH', referenceId: 'bad', url: `/services/data/v62.0/sobjects/Invoice__c/${b.Id}`, body: { Amount__c: -1 } },
    ],
  });
  const rs = comp.compositeResponse;
  check(rs.length === 2 && rs[0].httpStatusCode === 400 && rs[0].body[0].errorCode === 'PROCESSING_HALTED',
        'allOrNone halts the healthy subrequest with PROCESSING_HALTED');
  check(rs[1].body[0].errorCode === 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'the failing subrequest keeps its own error');
  const bNow = await conn.sobject('Invoice__c').retrieve(b.Id);
  check(bNow.Amount__c === b.Amount__c, 'the halted write was rolled back');

  // Error names for bad SOQL.
  for (const [soql, name] of [['SELECT Id FRM Account', 'MALFORMED_QUERY'], ['SELECT Nope__c FROM Account', 'INVALID_FIELD'],
                              ['SELECT Id FROM Nope__c', 'INVALID_TYPE']]) {
    const e = await expectError(conn.query(soql));
    check(e && e.name === name, `"${soql}" fails as ${name} (got ${e && e.name})`);
  }

  // Refresh after an expired token.
  const stale = new jsforce.Connection({
    oauth2: { clientId: 'acme-responder-app', clientSecret: 'acme-responder-secret', loginUrl: url },
    instanceUrl: url, accessToken: '00D5g00000ACME1!expired', refreshToken: 'acme-responder-refresh-TEST-ONLY', version: '62.0',
  });
  let refreshed = null;
  stale.on('refresh', (token) => { refreshed = token; });
  const users = await stale.query("SELECT Username FROM User WHERE Username = 'responder@acme.example'");
  check(refreshed && refreshed.startsWith('00D5g00000ACME1!'), "jsforce refreshed the session and emitted 'refresh'");
  check(users.totalSize === 1, 'the retried query succeeded after refresh');
  const dead = new jsforce.Connection({ instanceUrl: url, accessToken: 'nope', version: '62.0' });
  const deadErr = await expectError(dead.query('SELECT Id FROM User'));
  check(deadErr && deadErr.name === 'INVALID_SESSION_ID', 'a dead token without refresh fails as INVALID_SESSION_ID');

  const limits = await conn.request('/services/data/v62.0/limits');
  check(limits.DailyApiRequests && limits.DailyApiRequests.Max === 100000, 'limits through an absolute path');
}

main()
  .catch((e) => {
    failed += 1;
    console.log('FAIL uncaught: ' + (e && e.stack ? e.stack : e));
  })
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  });
