/**
 * The hostile-SQL corpus through the real CLI: `compile` with each DuckDB
 * version on the lines that hide a second statement (the hole of issue #6),
 * and the whole corpus through `corpus import` + `playback` with
 * duckdb@1.3.2 against duckdb@1.5.6. No file appears, the catalog's bytes
 * do not change, and every template that reaches a build gets an error or a
 * harmless plan from both.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { assertNothingWritten, checksum, loadHostileCases } from './hostile.ts';
import { createHostileCatalog } from './hostile-catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-hostile-cli-'));
const outDir = join(dir, 'out');
const catalogPath = join(dir, 'catalog.duckdb');
const store = join(dir, 'store.duckdb');
let catalogSum = '';

before(async () => {
  mkdirSync(outDir);
  await createHostileCatalog(catalogPath);
  catalogSum = checksum(catalogPath);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('compile: a second statement hidden by quoting tricks is refused (exit 1, unsupported) by both DuckDB versions, and nothing is written', () => {
  const cases = loadHostileCases(outDir);
  const pick = (prefix: string) => cases.find((c) => c.tries.startsWith(prefix))!;
  const dollar = pick('hide a COPY after a dollar-quoted string whose tag has digits');
  // the line with each version, then the other tricks spread over the two
  for (const [version, c] of [
    ['1.3.2', dollar],
    ['1.5.6', dollar],
    ['1.5.6', pick('hide a COPY after an E-string with a backslash-escaped quote')],
    ['1.3.2', pick('hide a COPY after nested block comments')],
  ] as const) {
    const file = join(dir, `q-${version}.sql`);
    writeFileSync(file, c.sql + '\n');
    const r = runCli(['compile', '--build', `duckdb@${version}`, '--catalog', catalogPath, file]);
    assert.equal(r.status, 1, `${version} ${c.tries}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /unsupported.*more than one SQL statement/, c.tries);
  }
  assertNothingWritten(outDir, catalogPath, catalogSum);
});

test('compile: a build spec that would re-enable external access is a usage error (exit 2)', () => {
  const q = join(dir, 'ok.sql');
  writeFileSync(q, 'select 1\n');
  const r = runCli(['compile', '--build', 'duckdb@1.5.6?enable_external_access=true', '--catalog', catalogPath, q]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /usage-error: bad build spec .*'enable_external_access' governs the sandbox/);
});

test('corpus import + playback (duckdb@1.3.2 vs duckdb@1.5.6): every hostile template gets an error or a harmless plan from both, nothing is written', () => {
  const cases = loadHostileCases(outDir);
  const log = join(dir, 'hostile.jsonl');
  writeFileSync(log, cases.map((c) => JSON.stringify({ sql: c.sql, user: 'mallory' })).join('\n') + '\n');
  const imp = runCli(['corpus', 'import', log, '--workload', 'hostile', '--store', store]);
  assert.equal(imp.status, 0, imp.stderr);

  const report = join(dir, 'report');
  const pb = runCli(['playback', '--workload', 'hostile', '--catalog', catalogPath, '--base', 'duckdb@1.3.2', '--head', 'duckdb@1.5.6', '--out', report, '--store', store, '--concurrency', '1']);
  assert.equal(pb.status, 0, pb.stdout + pb.stderr);
  const outcomes = (JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { outcomes: Outcome[] }).outcomes;
  // the lines that hide a second statement pass the import (our parser flags them, other builds may read them): they reach both builds
  const hidden = outcomes.filter((o) => /;\s*(copy|attach|set|install|select)/i.test(o.template));
  assert.ok(hidden.length >= 6, `the hidden-statement lines reached playback: ${outcomes.map((o) => o.template).join(' | ')}`);
  for (const o of hidden) {
    assert.equal(o.verdict, 'both-error', o.template);
    assert.match(JSON.stringify(o.baseError), /unsupported.*more than one SQL statement/, o.template);
    assert.match(JSON.stringify(o.headError), /unsupported.*more than one SQL statement/, o.template);
  }
  for (const o of outcomes) {
    assert.ok(['identical', 'plan-changed', 'improved', 'regressed', 'both-error', 'new-error', 'fixed-error'].includes(o.verdict), `${o.template}: ${o.verdict}`);
  }
  assertNothingWritten(outDir, catalogPath, catalogSum);
});

interface Outcome {
  readonly template: string;
  readonly verdict: string;
  readonly baseError: unknown;
  readonly headError: unknown;
}
