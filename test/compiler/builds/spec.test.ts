import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBuildSpec, parseBuildSpec } from '../../../compiler/builds/spec.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';

function usageError(spec: string, pattern: RegExp): void {
  assert.throws(
    () => parseBuildSpec(spec),
    (err: unknown) => {
      assert.ok(err instanceof FlightdeckError, `expected a FlightdeckError for '${spec}'`);
      assert.equal(err.code, 'usage-error');
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('reference specs: work tree, profile, git ref', () => {
  assert.deepEqual(parseBuildSpec('reference'), { kind: 'reference', ref: undefined, profile: 'default' });
  assert.deepEqual(parseBuildSpec('reference#heuristic'), { kind: 'reference', ref: undefined, profile: 'heuristic' });
  assert.deepEqual(parseBuildSpec('reference#default,-reorder-joins'), { kind: 'reference', ref: undefined, profile: 'default,-reorder-joins' });
  assert.deepEqual(parseBuildSpec('reference@HEAD~2'), { kind: 'reference', ref: 'HEAD~2', profile: 'default' });
  assert.deepEqual(parseBuildSpec(' reference@v1.2#none '), { kind: 'reference', ref: 'v1.2', profile: 'none' });
  assert.deepEqual(parseBuildSpec('reference@feature/x#heuristic'), { kind: 'reference', ref: 'feature/x', profile: 'heuristic' });
});

test('duckdb specs: default version, explicit versions, settings in order, %-escapes', () => {
  const newest = parseBuildSpec('duckdb');
  assert.equal(newest.kind === 'duckdb' && newest.version.version, '1.5.6');
  assert.equal(newest.kind === 'duckdb' && newest.version.packageName, '@duckdb/node-api');
  const old = parseBuildSpec('duckdb@1.3.2');
  assert.deepEqual(old.kind === 'duckdb' && old.version, { version: '1.3.2', packageName: 'duckdb-old' });
  assert.equal(parseBuildSpec('duckdb@v1.3.2').kind === 'duckdb', true);
  assert.deepEqual(parseBuildSpec('duckdb@1.5.6?disabled_optimizers=join_order,filter_pushdown&threads=1'), {
    kind: 'duckdb',
    version: { version: '1.5.6', packageName: '@duckdb/node-api' },
    settings: [
      ['disabled_optimizers', 'join_order,filter_pushdown'],
      ['threads', '1'],
    ],
  });
  const escaped = parseBuildSpec('duckdb?default_collation=nocase%20x');
  assert.deepEqual(escaped.kind === 'duckdb' && escaped.settings, [['default_collation', 'nocase x']]);
});

test('command specs: program and arguments, quotes kept whole, no shell', () => {
  assert.deepEqual(parseBuildSpec('command:./bin/my-compiler --fast'), { kind: 'command', command: './bin/my-compiler', args: ['--fast'] });
  assert.deepEqual(parseBuildSpec(`command:python3 'my planner.py' "a \\"b\\"" c\\ d   e`), {
    kind: 'command',
    command: 'python3',
    args: ['my planner.py', 'a "b"', 'c d', 'e'],
  });
  assert.deepEqual(parseBuildSpec('command:prog $(rm -rf x) ; ls'), { kind: 'command', command: 'prog', args: ['$(rm', '-rf', 'x)', ';', 'ls'] });
});

test('bad specs are usage errors that say what is wrong', () => {
  usageError('', /it is empty/);
  usageError('postgres@16', /unknown build kind.*reference\[@<git-ref>\]\[#<profile>\]/);
  usageError('referencex', /unknown build kind/);
  usageError('reference@', /'@' must be followed by a git ref/);
  usageError('reference#', /'#' must be followed by a rule profile/);
  usageError('reference@--upload-pack=x', /not a git ref/);
  usageError('reference@a..b', /not a git ref/);
  usageError('duckdb@0.9.0', /DuckDB 0\.9\.0 is not shipped; shipped versions: 1\.5\.6, 1\.3\.2/);
  usageError('duckdb@', /\(empty version\) is not shipped/);
  usageError('duckdb?', /'\?' must be followed by settings/);
  usageError('duckdb?threads', /'threads' is not <name>=<value>/);
  usageError('duckdb?a;drop=1', /'a;drop' is not a setting name/);
  usageError('duckdb?x=%zz', /bad %-escape/);
  usageError('command:', /must be followed by the program/);
  usageError(`command:prog 'open`, /unterminated single quote/);
  usageError('command:prog "open', /unterminated double quote/);
});

test('formatBuildSpec gives a canonical spec that parses back to the same thing', () => {
  for (const spec of [
    'reference',
    'reference#heuristic',
    'reference@main#default,-reorder-joins',
    'duckdb@1.3.2',
    'duckdb@1.5.6?disabled_optimizers=join_order,filter_pushdown&threads=1',
    "command:python3 'my planner.py' --x",
  ]) {
    const parsed = parseBuildSpec(spec);
    assert.deepEqual(parseBuildSpec(formatBuildSpec(parsed)), parsed, spec);
  }
  assert.equal(formatBuildSpec(parseBuildSpec('duckdb')), 'duckdb@1.5.6');
  assert.equal(formatBuildSpec(parseBuildSpec("command:a 'b c' d")), "command:a 'b c' d");
});
