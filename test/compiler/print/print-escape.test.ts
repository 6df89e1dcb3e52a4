/**
 * The printer's promise: one operator per line, always, and two different
 * plans never print alike. Literals and identifiers holding control
 * characters are escaped inside the printer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSql } from '../../../compiler/compile.ts';
import { tpchCatalog } from '../../helpers/tpch-catalog.ts';
import { diffPlans } from '../../../playback/diff/plan-diff.ts';

const catalog = tpchCatalog();

function lines(sql: string): string[] {
  const c = compileSql(sql, catalog);
  for (const text of [c.simplified, c.explain]) {
    const operators = text.trimEnd().split('\n');
    for (const line of operators) assert.match(line.trimStart(), /^[A-Z][A-Za-z]*(\(|$)/, `a line that is not an operator: ${JSON.stringify(line)}`);
  }
  return c.simplified.trimEnd().split('\n');
}

test('a newline inside a string literal does not split a plan line', () => {
  const plan = lines("select n_name from nation where n_comment = 'first line\nsecond line'");
  assert.ok(plan.some((l) => l.includes("E'first line\\nsecond line'")), plan.join('\n'));
});

test('tabs, carriage returns, other C0/C1 controls and U+2028 are escaped', () => {
  const plan = lines("select n_name from nation where n_comment in ('a\tb', 'c\rd', 'e\u0001f', 'g\u0085h', 'i\u2028j')").join('\n');
  for (const escaped of ['a\\tb', 'c\\rd', 'e\\x01f', 'g\\u0085h', 'i\\u2028j']) assert.ok(plan.includes(escaped), `${escaped} in\n${plan}`);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  assert.doesNotMatch(plan, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
});

test('a literal newline and a backslash-n print differently', () => {
  const withNewline = compileSql("select n_name from nation where n_comment = 'a\nb'", catalog).simplified;
  const withBackslash = compileSql("select n_name from nation where n_comment = 'a\\nb'", catalog).simplified;
  assert.notEqual(withNewline, withBackslash);
  assert.ok(withBackslash.includes("'a\\nb'") && !withBackslash.includes("E'"), withBackslash);
});

test('plain literals print as before: quotes doubled, no escape prefix', () => {
  const plan = compileSql("select n_name from nation where n_comment = 'it''s'", catalog).simplified;
  assert.ok(plan.includes("'it''s'") && !plan.includes("E'"), plan);
});

test('an identifier holding a newline prints in Unicode-escape form on one line', () => {
  const plan = lines('select n_name as "two\nlines" from nation');
  assert.ok(plan.some((l) => l.includes('U&"two\\000Alines"')), plan.join('\n'));
});

test('the structural diff sees a changed multi-line literal as one update, not broken lines', () => {
  const base = compileSql("select n_name from nation where n_comment = 'x\ny'", catalog).simplified;
  const head = compileSql("select n_name from nation where n_comment = 'x\nz'", catalog).simplified;
  const d = diffPlans(base, head);
  assert.equal(d.counts.update, 1, JSON.stringify(d.edits.filter((e) => e.type !== 'keep')));
  assert.equal(d.counts.insert, 0);
  assert.equal(d.counts.remove, 0);
});
