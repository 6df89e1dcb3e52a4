/**
 * `flightdeck corpus import --schema-map / --search-path` (issue #9 item 10):
 * PostgreSQL's `public` becomes the catalog's `main` in the stored SQL by
 * default, the mapping is reported, and a bad value is a usage error
 * before anything is read.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { Store } from '../../store/store.ts';

let dir: string;
let env: Record<string, string>;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fd-cli-schema-'));
  env = { FLIGHTDECK_STORE: join(dir, 'store.duckdb') };
  const sqls = ["select * from public.orders where note = 'public.x'", 'select * from app.items', 'select * from orders where id = 1 for update'];
  writeFileSync(join(dir, 'q.jsonl'), sqls.map((sql) => JSON.stringify({ sql })).join('\n') + '\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function storedSql(workload: string): Promise<string[]> {
  const store = await Store.open(env.FLIGHTDECK_STORE!, { readOnly: true });
  try {
    return (await store.getTemplates(workload)).map((t) => t.sql).toSorted();
  } finally {
    await store.close();
  }
}

test('public maps to main by default, --search-path adds schemas, and the report says so', async () => {
  const r = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 'd'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /schemas: public → main in 1 statements/);
  assert.match(r.stdout, /not-a-query +1 +e\.g\. line 3: lock: SELECT … FOR UPDATE\/SHARE takes row locks/);
  assert.deepEqual(await storedSql('d'), ['select * from app.items', "select * from main.orders where note = 'public.x'"]);

  const s = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 's', '--search-path', 'app,public'], { env });
  assert.equal(s.status, 0, s.stderr);
  assert.deepEqual(await storedSql('s'), ['select * from main.items', "select * from main.orders where note = 'public.x'"]);

  const none = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 'n', '--schema-map', 'none'], { env });
  assert.equal(none.status, 0, none.stderr);
  assert.doesNotMatch(none.stdout, /schemas:/);
  assert.deepEqual(await storedSql('n'), ['select * from app.items', "select * from public.orders where note = 'public.x'"]);
});

test('a bad --schema-map is a usage error that names the pair', () => {
  const r = runCli(['corpus', 'import', join(dir, 'q.jsonl'), '--workload', 'bad', '--schema-map', 'public:main'], { env });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: usage-error: --schema-map takes from=to schema pairs .*; got 'public:main'/m);
});
