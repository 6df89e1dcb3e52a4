/**
 * The harness every rule test uses (house style 1 and 4): a case is SQL,
 * parsed and bound against the TPC-H test catalog; only the rule under test
 * runs on it; the printed input and output plans are checked against a
 * golden file test/golden/rules/<rule-id>/<case>.plan. A case fails when the
 * rule changed nothing, unless it says it expects no change. Every case also
 * checks that a second application changes nothing (idempotence) and — on a
 * tiny NULL-rich TPC-H database — that the output plan, lowered to SQL,
 * returns the same rows as the input plan.
 *
 * The rule's TSDoc @example (SQL and output plan) is the `doc-example` case:
 * its SQL is what gets bound, its plan must equal the golden output.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../../compiler/builds/duckdb-database.ts';
import { bindQuery } from '../../../compiler/bind/bind.ts';
import type { Plan } from '../../../compiler/ir/plan.ts';
import { maxColumnId } from '../../../compiler/ir/walk.ts';
import { lowerPlan } from '../../../compiler/lower/lower.ts';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { printPlan, type PrintLevel } from '../../../compiler/print/print.ts';
import { createRuleContext, type Rule, type RuleContext } from '../../../compiler/rules/rule.ts';
import { assertGolden } from '../../helpers/golden.ts';
import { compareResults, describeDiff } from '../../helpers/compare-results.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { openTinyTpch } from './tiny-tpch.ts';

export interface RuleCase {
  /** golden file name (kebab-case); `doc-example` is the rule's TSDoc example */
  readonly name: string;
  /** what the case shows, for the test title */
  readonly title: string;
  readonly sql: string;
  readonly expect: 'change' | 'no-change';
  /** rules run first to shape the input (shown as the golden input) */
  readonly before?: readonly Rule[];
  /** a hand edit of the bound plan, for inputs SQL alone does not produce here */
  readonly edit?: (plan: Plan, ctx: RuleContext) => Plan;
  /** `rows` (default): same multiset of rows; `count`: same row count (LIMIT without ORDER BY) */
  readonly compare?: 'rows' | 'count';
  /** extra assertions on the output plan */
  readonly check?: (out: Plan, input: Plan) => void;
}

const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'compiler', 'rules');

export function bindSql(sql: string): Plan {
  return bindQuery(parseSql(sql), TPCH_CATALOG);
}

/** The SQL and plan of the @example in a rule file's TSDoc. */
export function docExample(ruleId: string): { sql: string; plan: string; level: PrintLevel } {
  const text = readFileSync(join(RULES_DIR, `${ruleId}.ts`), 'utf8');
  const doc = text.slice(text.indexOf('@example'), text.indexOf('*/'));
  const lines = doc.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  const block = (open: RegExp): { lines: string[]; fence: string } => {
    const start = lines.findIndex((l) => open.test(l));
    assert.ok(start >= 0, `${ruleId}.ts: TSDoc @example lacks a ${open} block`);
    const end = lines.findIndex((l, i) => i > start && l.startsWith('```'));
    return { lines: lines.slice(start + 1, end), fence: lines[start]! };
  };
  const sql = block(/^```sql/).lines.join('\n');
  const plan = block(/^```plan/);
  return { sql, plan: plan.lines.join('\n') + '\n', level: /explain/.test(plan.fence) ? 'explain' : 'simplified' };
}

interface Prepared {
  readonly input: Plan;
  readonly output: Plan;
  readonly ctx: RuleContext;
}

function prepare(rule: Rule, c: RuleCase): Prepared {
  let plan = bindSql(c.sql);
  const ctx = createRuleContext(TPCH_CATALOG, maxColumnId(plan));
  for (const r of c.before ?? []) plan = r.apply(plan, ctx);
  if (c.edit) plan = c.edit(plan, ctx);
  return { input: plan, output: rule.apply(plan, ctx), ctx };
}

function goldenText(rule: Rule, c: RuleCase, p: Prepared, level: PrintLevel): string {
  const head = [
    `-- rule: ${rule.id}`,
    `-- case: ${c.name} (${c.title})`,
    `-- expect: ${c.expect}`,
    ...(c.before?.length ? [`-- before: ${c.before.map((r) => r.id).join(', ')}`] : []),
    ...(c.edit ? ['-- input edited by hand (see the test)'] : []),
    '-- sql:',
    c.sql.trim(),
    `-- input (${level}):`,
  ];
  const out = p.output === p.input ? '(unchanged)\n' : printPlan(p.output, level);
  return `${head.join('\n')}\n${printPlan(p.input, level)}-- output (${level}):\n${out}`;
}

async function runLowered(db: Database, plan: Plan): Promise<{ columns: string[]; rows: unknown[][] }> {
  const lowered = lowerPlan(plan);
  for (const s of lowered.settings) await db.run(s);
  return db.rows(lowered.sql);
}

/**
 * One `describe` per rule: every case (golden, fired-or-not, idempotent,
 * same rows on DuckDB) and the TSDoc example check.
 */
export function describeRule(rule: Rule, cases: readonly RuleCase[], options: { level?: PrintLevel } = {}): void {
  const level = options.level ?? 'simplified';
  describe(rule.id, () => {
    let db: Database;
    before(async () => {
      db = await openTinyTpch();
    });
    after(() => db.close());

    test('the TSDoc @example is the doc-example case, and its plan is the output', () => {
      const doc = docExample(rule.id);
      const c = cases.find((x) => x.name === 'doc-example');
      assert.ok(c, 'a case named doc-example');
      assert.equal(normalizeSql(c.sql), normalizeSql(doc.sql), 'the doc-example SQL is the TSDoc SQL');
      const p = prepare(rule, c);
      assert.equal(printPlan(p.output, doc.level), doc.plan, 'the TSDoc plan is what the rule gives');
    });

    for (const c of cases) {
      test(`${c.name}: ${c.title}`, async () => {
        const p = prepare(rule, c);
        if (c.expect === 'change') assert.notEqual(p.output, p.input, `${rule.id} was expected to change the plan`);
        else assert.equal(p.output, p.input, `${rule.id} was expected to return its input unchanged (same object)`);
        assertGolden(`rules/${rule.id}/${c.name}.plan`, goldenText(rule, c, p, level));
        assert.equal(rule.apply(p.output, p.ctx), p.output, 'a second application changes nothing');
        c.check?.(p.output, p.input);
        if (p.output !== p.input) {
          const expected = await runLowered(db, p.input);
          const actual = await runLowered(db, p.output);
          if (c.compare === 'count') assert.equal(actual.rows.length, expected.rows.length, 'same row count');
          else {
            const diff = compareResults(expected, actual);
            assert.ok(diff.equal, `the output plan returns other rows than the input plan:\n${describeDiff(diff)}`);
          }
        }
      });
    }
  });
}

function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
