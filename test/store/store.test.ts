/**
 * The one store test suite (store-suite.ts, dashboard-suite.ts) on both
 * backends: the embedded DuckDB file and PostgreSQL (a database of its own on
 * the machine's server, skipped with a one-line reason when none answers).
 * Below, what only the DuckDB file does: its single-writer lock.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { duckdbCase, postgresCase } from './backends.ts';
import { storeSuite, withStore } from './store-suite.ts';
import { dashboardSuite } from './dashboard-suite.ts';
import { outcomeIndexSuite } from './outcome-index-suite.ts';

const duckdb = duckdbCase();
const cases = [duckdb, await postgresCase()];
for (const c of cases) {
  storeSuite(c);
  dashboardSuite(c);
  outcomeIndexSuite(c);
}
after(async () => {
  for (const c of cases) await c.cleanup();
});

test('a DuckDB store held by a process that cannot let go gives a clear environment error after the wait bound', async () => {
  await withStore(duckdb, async (_s, path) => {
    // spawnSync blocks this process, the holder, so it cannot hand the file over: the child waits its bound (1 s here) and says who holds it
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('${join(process.cwd(), 'store/store.ts')}').then(m => m.Store.open('${path}')).then(() => process.exit(0), e => { console.log(e.code + ': ' + e.message); process.exit(3); })`], { encoding: 'utf8', env: { ...process.env, FLIGHTDECK_STORE_WAIT: '1' } });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /environment-error: the store .* is busy: another process \(PID \d+: .*node.*\) has it open for writing/);
  });
});
