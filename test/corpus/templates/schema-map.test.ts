import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLogs } from '../../../corpus/templates/import.ts';
import { DEFAULT_SCHEMA_MAP, mapSchemas, mergeSchemaMaps, parseSchemaMap, searchPathMap } from '../../../corpus/templates/schema-map.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';

test('qualified names are mapped, string literals, comments and column names are not', () => {
  const m = DEFAULT_SCHEMA_MAP;
  assert.equal(mapSchemas('select * from public.orders o join PUBLIC.customers c on c.id = o.cid', m), 'select * from main.orders o join main.customers c on c.id = o.cid');
  assert.equal(mapSchemas('select * from "public"."Orders"', m), 'select * from "main"."Orders"');
  assert.equal(mapSchemas("select 'public.orders', $$public.x$$, E'public.\\'y' from public.t -- public.z\n/* public.w */", m), "select 'public.orders', $$public.x$$, E'public.\\'y' from main.t -- public.z\n/* public.w */");
  assert.equal(mapSchemas('select t.public, public from t', m), 'select t.public, public from t');
  assert.equal(mapSchemas('select * from "Public".t', m), 'select * from "Public".t');
  assert.equal(mapSchemas('select public.t.a from public.t', m), 'select main.t.a from main.t');
  const sql = 'select * from orders';
  assert.equal(mapSchemas(sql, m), sql);
  assert.equal(mapSchemas('select * from public.t', parseSchemaMap('public=')), 'select * from t');
  assert.equal(mapSchemas('select * from public.t', parseSchemaMap('none')), 'select * from public.t');
});

test('--schema-map and --search-path: pairs, none, dropping, search paths and clear errors', () => {
  assert.deepEqual([...parseSchemaMap('public=main, Sales=main')], [['public', 'main'], ['sales', 'main']]);
  assert.deepEqual([...searchPathMap('"$user", app, public')], [['app', 'main'], ['public', 'main']]);
  assert.deepEqual([...mergeSchemaMaps(parseSchemaMap('public=main'), searchPathMap('app'))], [['public', 'main'], ['app', 'main']]);
  for (const bad of ['public', 'public=main=x', '=main', 'pub lic=main', 'a=b,a=c']) {
    assert.throws(() => parseSchemaMap(bad), (e: unknown) => e instanceof FlightdeckError && e.code === 'usage-error', bad);
  }
  assert.throws(() => mergeSchemaMaps(parseSchemaMap('public='), searchPathMap('public')), /mapped to '' and to 'main'/);
});

test('the import stores mapped SQL, and public.t, main.t and t are one template', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-schema-'));
  try {
    const log = join(dir, 'q.jsonl');
    const lines = ['select * from public.orders where id = 1', 'select * from orders where id = 2', 'select * from main.orders where id = 3', "select * from public.t where s = 'public.t'"];
    writeFileSync(log, lines.map((sql) => JSON.stringify({ sql })).join('\n') + '\n');
    const r = await importLogs([log]);
    assert.equal(r.templates.length, 2);
    assert.equal(r.templates[0]!.count, 3);
    assert.equal(r.templates[0]!.sql, 'select * from main.orders where id = 1');
    assert.equal(r.templates[1]!.sql, "select * from main.t where s = 'public.t'");
    assert.equal(r.schemaMapped, 2);
    const raw = await importLogs([log], { schemaMap: new Map() });
    assert.equal(raw.templates[0]!.sql, 'select * from public.orders where id = 1');
    assert.equal(raw.schemaMapped, 0);
    const app = await importLogs([log], { schemaMap: parseSchemaMap('public=') });
    assert.equal(app.templates[0]!.sql, 'select * from orders where id = 1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes and locks that look like queries are set aside as not-a-query, by kind, never kept as selects', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-kinds-'));
  try {
    const log = join(dir, 'q.jsonl');
    const lines = [
      'select * from orders where id = 1',
      'select * into temp recent from orders where id > 10',
      'with d as (delete from orders where id < 5 returning *) select count(*) from d',
      'select * from orders where id = 2 for update',
      'select * from orders where id = 3 for share skip locked',
      'insert into orders values (1)',
    ];
    writeFileSync(log, lines.map((sql) => JSON.stringify({ sql })).join('\n') + '\n');
    const r = await importLogs([log]);
    assert.equal(r.entries, 1);
    assert.equal(r.templates.length, 1);
    assert.deepEqual(r.skippedByKind, { 'select-into': 1, delete: 1, lock: 2, insert: 1 });
    const notAQuery = r.rejects.find((x) => x.reason === 'not-a-query');
    assert.equal(notAQuery?.count, 5);
    assert.deepEqual(notAQuery?.examples.map((e) => [e.line, e.message]), [
      [2, 'select-into: SELECT … INTO creates a table (a write)'],
      [3, 'delete inside WITH: the query writes'],
      [4, 'lock: SELECT … FOR UPDATE/SHARE takes row locks'],
      [5, 'lock: SELECT … FOR UPDATE/SHARE takes row locks'],
      [6, 'insert statement'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('review: only table references are mapped; a table or alias named like a schema keeps its column references', () => {
  const m = DEFAULT_SCHEMA_MAP;
  // a table named public: public.id is its column
  assert.equal(mapSchemas('select public.id, public.name from public where public.id = 1', m), 'select public.id, public.name from public where public.id = 1');
  // an alias named public
  assert.equal(mapSchemas('select public.a from public.t public join x on x.id = public.id order by public.a', m), 'select public.a from main.t public join x on x.id = public.id order by public.a');
  // table references in every position: FROM lists, JOIN, INTO, UPDATE, DELETE FROM, subqueries; three-part names anywhere
  assert.equal(
    mapSchemas('insert into public.log select a.x, public.t.y from public.a a, public.t join public.b on true where a.x in (select x from public.c)', m),
    'insert into main.log select a.x, main.t.y from main.a a, main.t join main.b on true where a.x in (select x from main.c)',
  );
  assert.equal(mapSchemas('update public.t set x = public.x from public.u public where public.id = 1', m), 'update main.t set x = public.x from main.u public where public.id = 1');
  assert.equal(mapSchemas('delete from only public.t where public.t.a = 1', m), 'delete from only main.t where main.t.a = 1');
});

const mapped = (sql: string) => mapSchemas(sql, DEFAULT_SCHEMA_MAP);
test('review 2: a FROM list goes on past a JOIN … ON condition: the table after its comma is mapped', () => {
  assert.equal(mapped('SELECT 1 FROM public.a LEFT JOIN public.b ON public.a.id = public.b.id, public.c'), 'SELECT 1 FROM main.a LEFT JOIN main.b ON main.a.id = main.b.id, main.c');
  assert.equal(mapped('SELECT * FROM a JOIN b ON a.id = b.id, public.c WHERE 1=1'), 'SELECT * FROM a JOIN b ON a.id = b.id, main.c WHERE 1=1');
  assert.equal(mapped('SELECT * FROM a JOIN b ON a.id IN (1, 2), public.c'), 'SELECT * FROM a JOIN b ON a.id IN (1, 2), main.c');
  // the list still ends where it ends: a comma after WHERE, or in a function's arguments, is no table list's
  assert.equal(mapped('SELECT * FROM a JOIN b ON f(a.x, public.y) = 1 WHERE g(1, public.z)'), 'SELECT * FROM a JOIN b ON f(a.x, public.y) = 1 WHERE g(1, public.z)');
  assert.equal(mapped('SELECT (SELECT 1 FROM a JOIN b ON a.id = b.id), public.c FROM d'), 'SELECT (SELECT 1 FROM a JOIN b ON a.id = b.id), public.c FROM d');
  assert.equal(mapped('SELECT 1 FROM a JOIN public ON a.x = ARRAY[1, public.y], public.c'), 'SELECT 1 FROM a JOIN public ON a.x = ARRAY[1, public.y], main.c');
});
