import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindQuery } from '../../../compiler/bind/bind.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import type { AstExpr, AstQuery, AstSelectItem } from '../../../compiler/ir/ast.ts';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { bindFailure } from './bind-helpers.ts';

function selectAst(columns: AstSelectItem[]): AstQuery {
  return {
    kind: 'query',
    with: [],
    body: { kind: 'select', distinct: false, columns, from: [], where: null, groupBy: [], having: null, windows: [] },
    orderBy: [],
    limit: null,
    offset: null,
  };
}

function errorLike(code: string, message: RegExp): (err: unknown) => boolean {
  return (err) => err instanceof FlightdeckError && err.code === code && message.test(err.message);
}

function expectError(sql: string, code: string, message: RegExp): void {
  const err = bindFailure(sql);
  assert.equal(err.code, code, `${sql}: ${err.message}`);
  assert.match(err.message, message);
}

test('unknown table: code unknown-table, names the table and the nearest catalog table', () => {
  expectError('select * from nations', 'unknown-table', /^unknown table 'nations'; did you mean 'nation'\?$/);
  expectError('select * from zzz', 'unknown-table', /^unknown table 'zzz'$/);
});

test('unknown table qualifier in a column reference lists the tables in scope', () => {
  expectError('select x.n_name from nation', 'unknown-table', /unknown table 'x' in column reference 'x\.n_name'; tables in scope: nation/);
  expectError('select x.* from nation', 'unknown-table', /unknown table 'x'/);
});

test('unknown column: suggests the nearest name, else lists candidates', () => {
  expectError('select n_nam from nation', 'unknown-column', /^column 'n_nam' not found; did you mean 'n_name'\?$/);
  expectError('select zzzz from region', 'unknown-column', /^column 'zzzz' not found; candidates: r_regionkey, r_name, r_comment$/);
  expectError('select n.zzzz from nation n', 'unknown-column', /column 'zzzz' not found in table 'n'; its columns are n_nationkey, n_name, n_regionkey, n_comment/);
  expectError('select n.n_nam from nation n', 'unknown-column', /did you mean 'n\.n_name'\?/);
});

test('ambiguous column: names the tables that have it', () => {
  expectError(
    'select n_name from nation a, nation b',
    'ambiguous-column',
    /^column reference 'n_name' is ambiguous: it exists in tables a, b; qualify it with a table name$/,
  );
  expectError('select k from (select 1 as k, 2 as k) t', 'ambiguous-column', /'k' is ambiguous/);
});

test('aggregate and window misuse is a bind-error naming the clause', () => {
  expectError('select 1 from nation where sum(n_nationkey) > 1', 'bind-error', /aggregate functions are not allowed in WHERE/);
  expectError('select 1 from nation group by sum(n_nationkey)', 'bind-error', /aggregate functions are not allowed in GROUP BY/);
  expectError('select 1 from nation n join region r on count(*) > 0', 'bind-error', /aggregate functions are not allowed in JOIN \.\.\. ON/);
  expectError('select sum(avg(n_nationkey)) from nation', 'bind-error', /aggregate function calls cannot be nested/);
  expectError('select 1 from nation where rank() over () > 1', 'bind-error', /window functions are not allowed in WHERE/);
  expectError('select rank() from nation', 'bind-error', /window function 'rank' requires an OVER clause/);
  expectError('select upper(distinct n_name) from nation', 'bind-error', /DISTINCT is only allowed for aggregate functions/);
});

test('a column neither grouped nor aggregated is a bind-error', () => {
  expectError(
    'select n_name, count(*) from nation',
    'bind-error',
    /^column 'n_name' must appear in the GROUP BY clause or be used in an aggregate function$/,
  );
  expectError('select n_regionkey from nation group by n_regionkey order by n_name', 'bind-error', /'n_name' must appear in the GROUP BY/);
  expectError('select count(*) from nation having n_name = 1', 'bind-error', /'n_name' must appear in the GROUP BY/);
});

test('subqueries and set operations with the wrong column count are bind-errors', () => {
  // node-sql-parser rejects a two-column scalar subquery itself, so build that AST around a parsed query
  const twoColumns = parseSql('select r_regionkey, r_name from region limit 1');
  const scalar = selectAst([{ expr: { kind: 'subquery', query: twoColumns }, alias: null }]);
  assert.throws(() => bindQuery(scalar, TPCH_CATALOG), errorLike('bind-error', /scalar subquery must return exactly one column, but it returns 2/));
  expectError('select 1 from nation where n_nationkey in (select r_regionkey, r_name from region)', 'bind-error', /subquery of IN must return exactly one column/);
  expectError('select 1 union select 1, 2', 'bind-error', /each UNION query must have the same number of columns: the left side has 1, the right side 2/);
  const one: AstExpr = { kind: 'literal', type: 'number', value: '1' };
  const values = { ...selectAst([]), body: { kind: 'values', rows: [[one, one], [one]] } } as AstQuery;
  assert.throws(() => bindQuery(values, TPCH_CATALOG), errorLike('bind-error', /VALUES lists must all be the same length: row 1 has 2 values, row 2 has 1/));
});

test('ORDER BY / GROUP BY positions out of range are bind-errors', () => {
  expectError('select n_name from nation order by 2', 'bind-error', /ORDER BY position 2 is not in select list/);
  expectError('select n_name from nation group by 3', 'bind-error', /GROUP BY position 3 is not in select list/);
  expectError('select distinct n_name from nation order by n_regionkey', 'bind-error', /for SELECT DISTINCT, ORDER BY expressions must appear in the select list/);
});

test('LIMIT / OFFSET: constants only; negative is a bind-error, an expression unsupported', () => {
  expectError('select n_name from nation limit -1', 'bind-error', /LIMIT must not be negative/);
  const parsed = parseSql('select n_name from nation limit 1');
  const one: AstExpr = { kind: 'literal', type: 'number', value: '1' };
  const computed = { ...parsed, limit: { kind: 'binary', op: '+', left: one, right: one } } as AstQuery;
  assert.throws(() => bindQuery(computed, TPCH_CATALOG), errorLike('unsupported', /LIMIT must be a constant non-negative integer/));
});

test('a malformed AST never escapes as a raw TypeError', () => {
  const ast = { kind: 'query', with: [], body: { kind: 'select' }, orderBy: [], limit: null, offset: null } as unknown as AstQuery;
  assert.throws(() => bindQuery(ast, TPCH_CATALOG), (err: unknown) => err instanceof FlightdeckError);
  const weird = {
    kind: 'query',
    with: [],
    body: { kind: 'select', distinct: false, columns: [{ expr: { kind: 'regex' }, alias: null }], from: [], where: null, groupBy: [], having: null, windows: [] },
    orderBy: [],
    limit: null,
    offset: null,
  } as unknown as AstQuery;
  assert.throws(() => bindQuery(weird, TPCH_CATALOG), (err: unknown) => err instanceof FlightdeckError && err.code === 'unsupported' && /'regex'/.test(err.message));
});
