/**
 * The injected optimizer bugs of test/fixtures/buggy-optimizer are each
 * caught by the shop workload, by execution alone: every select template of
 * the shop workload is compiled by the correct reference compiler and by the
 * buggy one, both lowered scripts run on a small generated shop database
 * (read-only), and for every bug at least one template returns a different
 * multiset of rows — named with the columns whose values differ, which is
 * what flighting reports as `result-mismatch`. The baseline: the correct
 * compiler's results equal DuckDB running each template's original SQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { loadCatalog } from '../../compiler/builds/load-catalog.ts';
import { openBuild } from '../../compiler/builds/open-build.ts';
import { compileWithReference } from '../../compiler/builds/reference-compile.ts';
import type { CompileSuccess } from '../../compiler/builds/build.ts';
import type { Catalog } from '../../compiler/ir/catalog.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { createRng, QUERY_SHAPES } from '../../corpus/shop/query-templates.ts';
import { BUGS, buggyProfile, CATCHES, findBug, type Bug } from '../fixtures/buggy-optimizer/bugs.ts';
import { compareResults, describeDiff, type ResultTable } from '../helpers/compare-results.ts';


interface Template {
  readonly name: string;
  readonly sql: string;
}

/** One representative SQL per select template of the shop workload (literals from a fixed seed). */
const TEMPLATES: readonly Template[] = QUERY_SHAPES.filter((s) => s.kind === 'select').map((s) => ({ name: s.name, sql: s.sql(createRng(1)) }));

let dir = '';
let dbPath = '';
let db: Database;
let catalog: Catalog;
const correct = new Map<string, Promise<{ compiled: CompileSuccess; result: ResultTable }>>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-buggy-'));
  ({ dbPath } = await generateShop({ scale: 0.002, outDir: dir, seed: 3 }));
  catalog = await loadCatalog(dbPath);
  db = await openDatabase(dbPath, { readOnly: true, threads: 1 });
});
after(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run a lowered script (settings, then one SELECT), resetting the settings afterwards. */
async function runScript(script: string): Promise<ResultTable> {
  const statements = script.split(';\n').map((s) => s.trim()).filter(Boolean);
  const settings = statements.slice(0, -1);
  for (const s of settings) await db.run(s);
  try {
    return await db.rows(statements.at(-1)!);
  } finally {
    for (const s of settings) {
      const m = /^SET\s+(\w+)\s*=/i.exec(s);
      if (m) await db.run(`RESET ${m[1]}`);
    }
  }
}

function compiled(t: Template, rules?: Bug['rule'][]): CompileSuccess {
  const r = compileWithReference(t.sql, catalog, rules ? { rules } : {});
  assert.ok(r.ok, `${t.name} does not compile: ${r.ok ? '' : r.error.message}`);
  assert.ok(r.sql, `${t.name}: the plan was not lowered to SQL`);
  return r;
}

/** The correct compiler's plan and result for a template (once). */
function baseline(t: Template): Promise<{ compiled: CompileSuccess; result: ResultTable }> {
  let p = correct.get(t.name);
  if (!p) {
    const c = compiled(t);
    p = runScript(c.sql!).then((result) => ({ compiled: c, result }));
    correct.set(t.name, p);
  }
  return p;
}

/** A value as text that equal values share (floats to 10 significant digits, as flighting's checksums round them). */
function canonical(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(10))) : JSON.stringify(v);
}

/** Result columns whose multiset of values differs between the two results (same column count). */
function differingColumns(a: ResultTable, b: ResultTable): string[] {
  return a.columns.filter((_, i) => {
    const values = (t: ResultTable) => t.rows.map((r) => canonical(r[i])).toSorted().join('\u0000');
    return values(a) !== values(b);
  });
}

describe('the correct reference compiler (baseline)', () => {
  test('returns what DuckDB returns for the original SQL, on every shop select template', async () => {
    const nonEmpty: string[] = [];
    for (const t of TEMPLATES) {
      const { compiled: c, result } = await baseline(t);
      const expected = await db.rows(t.sql);
      const diff = compareResults(expected, result);
      assert.ok(diff.equal, `${t.name}: ${describeDiff(diff)}\n${c.sql}`);
      if (result.rows.length > 0) nonEmpty.push(t.name);
    }
    for (const { template } of Object.values(CATCHES)) assert.ok(TEMPLATES.some((t) => t.name === template), `no shop template named ${template}`);
    assert.ok(nonEmpty.length >= TEMPLATES.length / 2, `only ${nonEmpty.length} templates return rows on the test data`);
  });
});

describe('each injected bug is caught as a result mismatch on the shop workload', () => {
  test('every bug has a catching template and nothing else is listed', () => {
    assert.deepEqual(Object.keys(CATCHES).toSorted(), BUGS.map((b) => b.id).toSorted());
    assert.equal(new Set(BUGS.map((b) => b.rule.id)).size >= 6, true, 'the bugs sit in at least six different rules');
  });

  for (const bug of BUGS) {
    test(`${bug.id} (in ${bug.rule.id}): ${bug.mistake}`, async () => {
      const mismatches: { template: string; columns: string[]; detail: string }[] = [];
      for (const t of TEMPLATES) {
        const base = await baseline(t);
        const buggy = compiled(t, [...buggyProfile(bug)]);
        if (buggy.plan.explain === base.compiled.plan.explain) continue;
        const result = await runScript(buggy.sql!);
        const diff = compareResults(base.result, result);
        if (!diff.equal) mismatches.push({ template: t.name, columns: differingColumns(base.result, result), detail: describeDiff(diff) });
      }
      const report = mismatches.map((m) => `${m.template}: columns ${m.columns.join(', ')}`).join('; ');
      process.stdout.write(`# ${bug.id}: result-mismatch on ${mismatches.length} template(s): ${report}\n`);
      const expected = CATCHES[bug.id]!;
      const caught = mismatches.find((m) => m.template === expected.template);
      assert.ok(caught, `${bug.id} is not caught by ${expected.template} (mismatches: ${report || 'none'})`);
      assert.deepEqual(caught.columns, expected.columns, `${bug.id} on ${expected.template}: differing columns\n${caught.detail}`);
    });
  }

  test('each buggy rule fires on its catching template and changes the plan', () => {
    for (const bug of BUGS) {
      const t = TEMPLATES.find((x) => x.name === CATCHES[bug.id]!.template)!;
      const base = compiled(t);
      const buggy = compiled(t, [...buggyProfile(bug)]);
      assert.ok(buggy.rulesFired.includes(bug.rule.id), `${bug.id}: ${bug.rule.id} did not fire on ${t.name}`);
      assert.notEqual(buggy.plan.explain, base.plan.explain, `${bug.id}: same plan as the correct compiler on ${t.name}`);
    }
  });

  test('a buggy rule changes nothing where its mistake has no place: the plans of unrelated templates stay', () => {
    // order-status-counts: one table, a filter, a group by — no join, subquery, window, limit or distinct
    const t = TEMPLATES.find((x) => x.name === 'order-status-counts')!;
    const base = compiled(t);
    for (const bug of BUGS) assert.equal(compiled(t, [...buggyProfile(bug)]).plan.explain, base.plan.explain, bug.id);
  });
});

describe('the buggy build as a command build', () => {
  test('`command:node --import tsx test/fixtures/buggy-optimizer/server.ts --bug count-bug` answers with a lowered script that shows the bug', async () => {
    const t = TEMPLATES.find((x) => x.name === CATCHES['count-bug']!.template)!;
    const build = await openBuild('command:node --import tsx test/fixtures/buggy-optimizer/server.ts --bug count-bug', { catalogPath: dbPath, cacheDir: join(dir, 'cache') });
    try {
      assert.match(build.description, /bug count-bug \(decorrelate-scalar-aggregates\)/);
      const r = await build.compile(t.sql);
      assert.ok(r.ok && r.sql, `compile failed: ${JSON.stringify(r)}`);
      assert.ok(r.rulesFired.includes('decorrelate-scalar-aggregates'));
      const result = await runScript(r.sql);
      const base = await baseline(t);
      assert.ok(!compareResults(base.result, result).equal, 'the served plan returns the buggy result');
    } finally {
      await build.close();
    }
  });

  test('an unknown bug id fails to open with the list of bugs', async () => {
    await assert.rejects(
      openBuild('command:node --import tsx test/fixtures/buggy-optimizer/server.ts --bug no-such-bug', { catalogPath: dbPath }),
      (err: Error) => /unknown bug 'no-such-bug'.*count-bug/.test(err.message),
    );
    assert.throws(() => findBug('no-such-bug'), /usage|unknown bug/);
  });
});
