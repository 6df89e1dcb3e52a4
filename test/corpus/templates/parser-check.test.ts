/**
 * The import's parser check has a deadline (issue #6 §2): a query on which
 * node-sql-parser backtracks exponentially (20 nested scalar subqueries in
 * select lists: days of parsing) is kept and flagged, and the import ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParserCheck } from '../../../corpus/templates/parser-check.ts';
import { importLogs } from '../../../corpus/templates/import.ts';
import { syntaxError } from '../../../compiler/parse/parse.ts';

/** the shape of the 2.6 KB line from the issue: each level a scalar subquery in a select list */
function nestedScalarSubqueries(levels: number): string {
  let q = 'select 1';
  for (let i = 0; i < levels; i++) q = `select (${q}) as c${i} from t${i} where a${i} = (select max(x) from u)`;
  return q;
}

// a safety net, not a timing assertion: without a deadline this test would run for days
const NET = { timeout: 120_000 };

test('a check past its deadline is flagged, its worker replaced, and later checks still answered', NET, async () => {
  const check = createParserCheck({ timeoutMs: 1000 });
  try {
    const [ok, bad, stuck, after] = await Promise.all([
      check.check('select a from t where b = 1'),
      check.check('select a frm t'),
      check.check(nestedScalarSubqueries(20)),
      check.check('select c from t'),
    ]);
    assert.equal(ok, null);
    assert.equal(bad, syntaxError('select a frm t'));
    assert.match(stuck ?? '', /^our parser gave up after 1 s .*raise --check-timeout/);
    assert.equal(after, null);
  } finally {
    await check.close();
  }
});

test('too-deep queries are flagged as unreadable by our parser (and kept)', NET, async () => {
  const check = createParserCheck();
  try {
    assert.match((await check.check(`select ${'('.repeat(5000)}1${')'.repeat(5000)}`)) ?? '', /nests parentheses, subqueries or CASE more than 200 levels/);
  } finally {
    await check.close();
  }
});

test('import with the check: the stuck template is kept and flagged with its lines; the import ends', NET, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'q.jsonl');
  const deep = nestedScalarSubqueries(20);
  writeFileSync(log, [{ sql: 'select 1 from t' }, { sql: deep }, { sql: 'select 2 from t' }, { sql: deep.replace('max(x)', 'min(x)') }, { sql: deep }].map((o) => JSON.stringify(o)).join('\n') + '\n');
  const check = createParserCheck({ timeoutMs: 1000 });
  let r;
  try {
    r = await importLogs([log], { validate: (sql) => check.check(sql) });
  } finally {
    await check.close();
  }
  assert.equal(r.templates.length, 3, 'kept: other builds may read it');
  assert.deepEqual(
    r.rejects.map((x) => [x.reason, x.kept, x.count, x.examples.map((e) => e.line)]),
    [['unparsable-sql', true, 3, [2, 4, 5]]],
  );
  assert.match(r.rejects[0]!.examples[0]!.message, /gave up after 1 s/);
  assert.equal(r.rejected, 0);
});
