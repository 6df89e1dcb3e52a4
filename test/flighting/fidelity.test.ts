/**
 * Fidelity on the shop workload: the reference build gives ≥ 95% of the
 * templates the identical plan (literal values aside) on the snapshot, with
 * masked literals, as on the source; a snapshot whose statistics moved
 * (a key column nulled) is caught.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { importLogs } from '../../corpus/templates/import.ts';
import { writeShopLog } from '../../corpus/shop/write-log.ts';
import { measureFidelity, shape } from '../../flighting/desensitize/fidelity.ts';
import { MaskingKey } from '../../flighting/desensitize/key.ts';
import { parsePolicy, type Policy } from '../../flighting/desensitize/policy.ts';
import { desensitize } from '../../flighting/desensitize/snapshot.ts';
import { readSourceColumns } from '../../flighting/desensitize/source.ts';
import { suggestPolicy } from '../../flighting/desensitize/suggest.ts';
import { plantedShop } from './shop-fixture.ts';

let dir = '';
let src = '';
let policy: Policy;
const key = new MaskingKey(randomBytes(32));
before(async () => {
  ({ dir, db: src } = await plantedShop(0.01));
  policy = parsePolicy(JSON.parse(JSON.stringify((await suggestPolicy({ source: src, sample: 500 })).policy)));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('shape blanks literal values only', () => {
  assert.equal(shape("Filter(condition=[email = 'a''b' AND id = -12.5 AND t1 = x2])"), 'Filter(condition=[email = ? AND id = ? AND t1 = x2])');
});

test('reference build: ≥ 95% of the shop templates keep their plan on the snapshot; a broken snapshot is caught', async () => {
  const log = join(dir, 'q.jsonl');
  await writeShopLog({ path: log, lines: 3000, seed: 2 });
  const { templates } = await importLogs([log]);
  const masking = { policy, key, columns: await readSourceColumns(src) };
  const snap = join(dir, 'snap.duckdb');
  await desensitize({ source: src, policy, key, out: snap, maskOnly: true });
  const f = await measureFidelity({ source: src, snapshot: snap, build: 'reference', workload: 'shop', templates, masking });
  process.stdout.write(`# fidelity (reference): ${f.identical}/${f.templates} = ${(f.share * 100).toFixed(1)}% identical; changed: ${f.changed.map((c) => `${c.template} (${c.reason})`).join('; ') || 'none'}\n`);
  assert.ok(f.templates > 30);
  assert.ok(f.share >= 0.95, `fidelity ${f.share}`);

  const broken = structuredClone(policy) as Policy;
  broken.tables.orders!.columns.customer_id = { kind: 'null' };
  broken.tables.orders!.columns.order_date = { kind: 'null' };
  const bad = join(dir, 'bad.duckdb');
  await desensitize({ source: src, policy: broken, key, out: bad, maskOnly: true });
  const g = await measureFidelity({ source: src, snapshot: bad, build: 'reference', workload: 'shop', templates, masking });
  assert.ok(g.share < f.share && g.changed.length > 0, `a snapshot with nulled keys and dates changes plans: ${g.share}`);
});
