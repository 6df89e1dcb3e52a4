import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildsInfo, describeBuilds } from '../../../compiler/builds/describe-builds.ts';
import { FLIGHTDECK_ROOT } from '../../../compiler/builds/duckdb-versions.ts';
import { PROFILES } from '../../../compiler/rules/index.ts';
import { parseBuildSpec } from '../../../compiler/builds/spec.ts';

const installed = (pkg: string) => JSON.parse(readFileSync(join(FLIGHTDECK_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { name: string; version: string };

test('buildsInfo: the shipped DuckDB versions with what npm installed for each, newest the default', () => {
  const info = buildsInfo();
  assert.deepEqual(
    info.duckdbVersions.map((v) => [v.version, v.packageName, v.installed?.name, v.installed?.version, v.isDefault]),
    [
      ['1.5.6', '@duckdb/node-api', '@duckdb/node-api', installed('@duckdb/node-api').version, true],
      ['1.3.2', 'duckdb-old', '@duckdb/node-api', installed('duckdb-old').version, false],
    ],
  );
  assert.match(installed('duckdb-old').version, /^1\.3\.2/);
  assert.match(installed('@duckdb/node-api').version, /^1\.5\.6/);
  assert.deepEqual(info.profiles.map((p) => p.name), Object.keys(PROFILES));
  assert.deepEqual(info.profiles.find((p) => p.name === 'none')?.rules, []);
});

test('every example spec in the listing parses to its kind', () => {
  for (const kind of buildsInfo().kinds) {
    for (const example of kind.examples) assert.equal(parseBuildSpec(example).kind, kind.kind, example);
  }
});

test('describeBuilds: the text names the spec syntax, versions, packages and profiles', () => {
  const text = describeBuilds();
  for (const needle of [
    'reference[@<git-ref>][#<profile>]',
    'duckdb[@<version>][?<setting>=<value>&...]',
    'command:<path> [args...]',
    `1.5.6    npm @duckdb/node-api ${installed('@duckdb/node-api').version}   (default for plain \`duckdb\`)`,
    `1.3.2    npm duckdb-old (alias of @duckdb/node-api) ${installed('duckdb-old').version}`,
    'heuristic ',
    'docs/build-protocol.md',
  ]) {
    assert.ok(text.includes(needle), `missing ${needle}`);
  }
});
