import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareParserInput } from '../../../compiler/parse/rewrite-sql.ts';
import { lexSql } from '../../../compiler/parse/sql-lexer.ts';

test('lexer: words, quoted identifiers, strings, numbers; comments skipped', () => {
  const tokens = lexSql(`select "A""b", 'it''s', E'x\\'y', $$ a ' b $$, 1.5e3, $1 -- trailing 'comment'\nfrom /* a /* nested */ comment */ t`);
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.value]),
    [
      ['word', 'select'],
      ['quoted', 'A"b'],
      ['op', ','],
      ['string', "'it''s'"],
      ['op', ','],
      ['string', "E'x\\'y'"],
      ['op', ','],
      ['string', "$$ a ' b $$"],
      ['op', ','],
      ['number', '1.5e3'],
      ['op', ','],
      ['param', '$1'],
      ['word', 'from'],
      ['word', 't'],
    ],
  );
});

test('lexer: unterminated strings and comments run to the end without throwing', () => {
  assert.deepEqual(lexSql("select 'abc").map((t) => t.kind), ['word', 'string']);
  assert.deepEqual(lexSql('select /* abc').map((t) => t.kind), ['word']);
  assert.deepEqual(lexSql('select "abc').map((t) => [t.kind, t.value]), [['word', 'select'], ['quoted', 'abc']]);
});

/** `text` with every character but line breaks replaced by a space. */
const blank = (text: string): string => text.replace(/[^\n]/g, ' ');

test('rewrites keep the text length and every line break, so parser locations stay true', () => {
  const sql = 'select substring(a\n  from 1 for 2),\n  sum(distinct b),\n  percent_rank() over (order by c range between unbounded preceding\n and current row)\nfrom t';
  const input = prepareParserInput(sql);
  assert.notEqual(input.text, sql);
  assert.equal(input.text.length, sql.length);
  assert.deepEqual(
    [...input.text].flatMap((c, i) => (c === '\n' ? [i] : [])),
    [...sql].flatMap((c, i) => (c === '\n' ? [i] : [])),
  );
  const expected = sql
    .replace('from 1 for 2', ',    1 ,   2')
    .replace('distinct', blank('distinct'))
    .replace('percent_rank', 'ntile       ')
    .replace('range between unbounded preceding\n and current row', blank('range between unbounded preceding\n and current row'));
  assert.equal(input.text, expected);
  assert.deepEqual([...input.distinctAt], [sql.indexOf('sum(')]);
  assert.deepEqual([...input.renamedAt], [[sql.indexOf('percent_rank'), 'percent_rank']]);
});

test('queries without the trigger words are passed through untouched', () => {
  const sql = 'select a, count(*) from t where b in (1, 2) group by a';
  const input = prepareParserInput(sql);
  assert.equal(input.text, sql);
  assert.equal(input.distinctAt.size + input.renamedAt.size, 0);
});

test('count(DISTINCT x) and the built-in window functions are left to the parser', () => {
  const sql = 'select count(distinct a), row_number() over (order by a), sum(a) over w, ntile(4) over (order by a) from t window w as ()';
  assert.equal(prepareParserInput(sql).text, sql);
});

test('OVER (w) becomes OVER w; RANGE over the whole partition becomes ROWS', () => {
  assert.equal(prepareParserInput('select sum(a) over (w) from t').text, 'select sum(a) over  w  from t');
  assert.equal(
    prepareParserInput('select sum(a) over (order by b range between unbounded preceding and unbounded following) from t').text,
    'select sum(a) over (order by b rows  between unbounded preceding and unbounded following) from t',
  );
  // RANGE with an offset is not equivalent to anything we read: left for the parser to reject
  const offset = 'select sum(a) over (order by b range between 2 preceding and current row) from t';
  assert.equal(prepareParserInput(offset).text, offset);
});
