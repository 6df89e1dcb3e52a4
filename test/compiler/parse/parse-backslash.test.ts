/**
 * In standard SQL strings (PostgreSQL with standard_conforming_strings, DuckDB)
 * a backslash is an ordinary character. node-sql-parser reads `\n`, `\t` and
 * `\'` as escapes; the parse layer must keep the value the query wrote, or a
 * replayed literal finds other rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from '../../../compiler/parse/parse.ts';

function values(sql: string): unknown[] {
  const q = parseSql(sql, { dialect: 'postgresql' });
  assert.equal(q.body.kind, 'select');
  return q.body.kind === 'select' ? q.body.columns.map((c) => (c.expr.kind === 'literal' ? c.expr.value : c.expr.kind)) : [];
}

test('backslash sequences in standard strings keep their characters', () => {
  const bs = '\\';
  const sql = `select 'a${bs}nb', 'c${bs}${bs}d', 'x${bs}ty', 'p${bs}', 'it''s${bs}'`;
  assert.deepEqual(values(sql), [`a${bs}nb`, `c${bs}${bs}d`, `x${bs}ty`, `p${bs}`, `it's${bs}`]);
});

test('a backslash before a quote does not escape it: the string ends there', () => {
  assert.throws(() => parseSql("select 'c\\'d'", { dialect: 'postgresql' }), /syntax error|parse-error/);
});

test('a real newline inside a literal stays a newline', () => {
  assert.deepEqual(values("select 'a\nb'"), ['a\nb']);
});

test('backslashes in a cast literal and a WHERE literal are kept', () => {
  const q = parseSql("select 1 from nation where n_comment = 'x\\ny'", { dialect: 'postgresql' });
  assert.match(JSON.stringify(q), /"value":"x\\\\ny"/);
});
