/**
 * The commands end to end, as a user runs them: --new-key (mode 0600, never
 * overwritten, never printed), --suggest, desensitize (exit 0, report
 * beside the snapshot), a leaky policy (exit 1, no snapshot), corpus
 * desensitize (the stored workload's literals masked in place).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { Store } from '../../store/store.ts';
import { plantedShop } from './shop-fixture.ts';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { scanWorkloadLeaks } from '../../flighting/desensitize/mask-workload.ts';
import { loadPolicy } from '../../flighting/desensitize/policy.ts';

let dir = '';
let src = '';
before(async () => {
  ({ dir, db: src } = await plantedShop());
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('new key, suggest, desensitize, corpus desensitize', async () => {
  const key = join(dir, 'shop.key');
  const k = runCli(['desensitize', '--new-key', key]);
  assert.equal(k.status, 0, k.stderr);
  assert.equal(statSync(key).mode & 0o777, 0o600);
  const bytes = readFileSync(key);
  assert.equal(bytes.length, 32);
  assert.equal(runCli(['desensitize', '--new-key', key]).status, 2, 'a key is never overwritten');
  assert.deepEqual(readFileSync(key), bytes);

  const policy = join(dir, 'shop.policy.json');
  const s = runCli(['desensitize', '--suggest', '--source', src, '--sample', '300', '--out', policy]);
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /support_tickets\.notes\s+free-text/);
  assert.match(s.stdout, /customers\.email\s+email\s+0\.99/);

  const snap = join(dir, 'snap.duckdb');
  const d = runCli(['desensitize', '--source', src, '--policy', policy, '--key-file', key, '--out', snap]);
  assert.equal(d.status, 0, d.stdout + d.stderr);
  assert.match(d.stdout, /checks \(row counts, null fractions, distinct counts within 1%\): all pass/);
  assert.match(d.stdout, /leak scan: 0 rows/);
  assert.ok(existsSync(snap) && existsSync(join(dir, 'snap.report.md')) && existsSync(join(dir, 'snap.report.json')));
  for (const out of [k.stdout, s.stdout, d.stdout, d.stderr]) assert.ok(!out.includes(bytes.toString('hex')), 'the key is never printed');

  const leaky = JSON.parse(readFileSync(policy, 'utf8'));
  leaky.tables.support_tickets.columns.notes = { kind: 'keep' };
  writeFileSync(join(dir, 'leaky.json'), JSON.stringify(leaky));
  const l = runCli(['desensitize', '--source', src, '--policy', join(dir, 'leaky.json'), '--key-file', key, '--out', join(dir, 'leaky.duckdb')]);
  assert.equal(l.status, 1, l.stdout + l.stderr);
  assert.match(l.stdout, /support_tickets\.notes: \d+/);
  assert.equal(existsSync(join(dir, 'leaky.duckdb')), false);
  assert.ok(existsSync(join(dir, 'leaky.failed.report.json')) && !existsSync(join(dir, 'leaky.report.json')), 'a refused snapshot reports under .failed');
  // refused over an existing snapshot: the snapshot and its report stay as they were
  const before = [readFileSync(snap), readFileSync(join(dir, 'snap.report.json'))];
  assert.equal(runCli(['desensitize', '--source', src, '--policy', join(dir, 'leaky.json'), '--key-file', key, '--out', snap]).status, 1);
  assert.deepEqual([readFileSync(snap), readFileSync(join(dir, 'snap.report.json'))], before);
  assert.ok(existsSync(join(dir, 'snap.failed.report.json')));

  // a stored workload with PII literals, masked in place
  const log = join(dir, 'q.jsonl');
  const d0 = await openDatabase(src, { readOnly: true });
  const realEmail = String((await d0.all('SELECT email FROM customers WHERE customer_id = 5'))[0]!.email);
  d0.close();
  writeFileSync(log, [`SELECT * FROM customers WHERE email = 'planted.person@example.com' OR email = '${realEmail}'`, 'SELECT count(*) FROM orders WHERE customer_id = 7'].map((sql) => JSON.stringify({ sql })).join('\n') + '\n');
  const storePath = join(dir, 'store.duckdb');
  assert.equal(runCli(['corpus', 'import', log, '--workload', 'w', '--store', storePath]).status, 0);
  const unmasked = await Store.open(storePath);
  try {
    const scan = await scanWorkloadLeaks(unmasked, 'w', src, loadPolicy(policy));
    assert.equal(scan.hit?.rows, 1, 'the scan finds the real email in the stored workload');
  } finally {
    unmasked.close();
  }
  const c = runCli(['corpus', 'desensitize', '--workload', 'w', '--policy', policy, '--key-file', key, '--store', storePath, '--source', src]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /3 literals masked in 2 of 2 templates \(3 exact/);
  assert.match(c.stdout, /leak scan: 0 of \d+ stored texts/);
  const store = await Store.open(storePath);
  try {
    const sqls = (await store.getTemplates('w')).map((t) => t.sql).join('\n');
    assert.ok(!sqls.includes('planted.person@example.com') && !sqls.includes(realEmail), sqls);
  } finally {
    store.close();
  }
  for (const file of [storePath, snap, join(dir, 'snap.report.json'), join(dir, 'snap.report.md')]) {
    const content = readFileSync(file);
    assert.equal(content.indexOf(bytes.toString('hex')), -1, `key hex in ${file}`);
    assert.equal(content.indexOf(bytes), -1, `key bytes in ${file}`);
  }
  assert.equal(runCli(['corpus', 'desensitize', '--workload', 'nope', '--policy', policy, '--key-file', key, '--store', storePath]).status, 2);

  // masked at import: the originals never reach the store, not even its freed pages
  const maskedStore = join(dir, 'masked-store.duckdb');
  const i = runCli(['corpus', 'import', log, '--workload', 'w', '--store', maskedStore, '--policy', policy, '--key-file', key, '--source', src]);
  assert.equal(i.status, 0, i.stdout + i.stderr);
  assert.match(i.stdout, /literals: 3 literals masked in 2 of 2 templates/);
  assert.ok(!i.stdout.includes(realEmail) && !i.stdout.includes('planted.person@example.com'), i.stdout);
  const raw = readFileSync(maskedStore);
  for (const original of [realEmail, 'planted.person@example.com']) assert.equal(raw.indexOf(original), -1, `${original} in the store file`);
  const imported = await Store.open(maskedStore, { readOnly: true });
  try {
    const masked = (await imported.getTemplates('w')).map((t) => t.sql).join('\n');
    const inPlace = await Store.open(storePath, { readOnly: true });
    try {
      assert.equal(masked, (await inPlace.getTemplates('w')).map((t) => t.sql).join('\n'), 'import --policy masks exactly as corpus desensitize does');
    } finally {
      inPlace.close();
    }
  } finally {
    imported.close();
  }
  assert.equal(runCli(['corpus', 'import', log, '--workload', 'x', '--store', maskedStore, '--policy', policy]).status, 2, '--policy without --key-file is a usage error');

  // a literal the masker cannot attribute to a column (inside a function call): refused, nothing stored
  const hidden = join(dir, 'hidden.jsonl');
  writeFileSync(hidden, JSON.stringify({ sql: `SELECT * FROM customers WHERE lower(email) = '${realEmail}'` }) + '\n');
  const refused = runCli(['corpus', 'import', hidden, '--workload', 'hidden', '--store', maskedStore, '--policy', policy, '--key-file', key, '--source', src]);
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /nothing stored: 1 of \d+ texts of the import still hold original values/);
  assert.ok(!(refused.stdout + refused.stderr).includes(realEmail));
  const after = await Store.open(maskedStore, { readOnly: true });
  try {
    assert.equal(await after.getWorkload('hidden'), null);
  } finally {
    after.close();
  }
  assert.equal(readFileSync(maskedStore).indexOf(realEmail), -1);
});
