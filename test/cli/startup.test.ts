/**
 * A CLI that starts fast: only the command on the command line is loaded
 * (the overview is drawn from a table that must match what the commands
 * register), the launcher runs dist/ only while it is up to date, and the
 * shipped JavaScript works end to end. Timings are in bench/cli-startup.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { COMMANDS, commandNamed, newProgram, registerFor } from '../../cli/commands-table.ts';
import { ROOT, BIN } from '../helpers/cli.ts';
// @ts-expect-error plain JavaScript launcher helper, no type declarations
import { distState, buildDist } from '../../bin/dist.js';

const dir = mkdtempSync(join(tmpdir(), 'fd-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the overview drawn from the command table is exactly what the command modules register', async () => {
  const lazy = newProgram();
  await registerFor(lazy, ['--help']);
  const full = newProgram();
  const registered = new Set<unknown>();
  for (const c of COMMANDS) {
    const register = await c.load();
    if (registered.has(register)) continue; // registerRuns registers `runs` and `report`
    registered.add(register);
    register(full);
  }
  assert.deepEqual(
    lazy.commands.map((c) => c.name()),
    full.commands.map((c) => c.name()),
    'every command a module registers has a row in cli/commands-table.ts, in the same order',
  );
  assert.equal(lazy.helpInformation(), full.helpInformation());
});

test('the command to load is the first word, or the one after help', () => {
  assert.equal(commandNamed(['compile', '--build', 'reference', 'q.sql'])?.name, 'compile');
  assert.equal(commandNamed(['help', 'gate'])?.name, 'gate');
  assert.equal(commandNamed(['report', '--run', 'x'])?.name, 'report');
  assert.equal(commandNamed(['--help']), undefined);
  assert.equal(commandNamed(['nope']), undefined);
  assert.equal(commandNamed([]), undefined);
});

test('a command loaded alone has its full options and subcommands', async () => {
  const program = new Command('flightdeck');
  await registerFor(program, ['corpus', 'import', '--help']);
  assert.deepEqual(program.commands.map((c) => c.name()), ['corpus']);
  assert.ok(program.commands[0]!.commands.some((c) => c.name() === 'import'));
});

/** The modules a CLI invocation resolves, recorded by a resolve hook. */
function modulesLoaded(args: readonly string[]): { status: number | null; stderr: string; urls: string[] } {
  const log = join(dir, `resolved-${Math.random().toString(36).slice(2)}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

const HEAVY = ['@duckdb/', 'duckdb-old', 'bullmq', 'ioredis', 'node-sql-parser', '/zod/', 'cli-progress'];

test('flightdeck --help loads no command module and none of DuckDB, BullMQ, the SQL parser or zod', () => {
  const r = modulesLoaded(['--help']);
  assert.equal(r.status, 0, r.stderr);
  const heavy = r.urls.filter((u) => HEAVY.some((h) => u.includes(h)));
  assert.deepEqual(heavy, []);
  assert.deepEqual(r.urls.filter((u) => u.includes('/cli/commands/')), []);
});

test('flightdeck builds loads only its own command module', () => {
  const r = modulesLoaded(['builds']);
  assert.equal(r.status, 0, r.stderr);
  const commands = [...new Set(r.urls.filter((u) => u.includes('/cli/commands/')).map((u) => u.replace(/.*\/cli\/commands\//, '').replace(/\.[jt]s$/, '')))];
  assert.deepEqual(commands, ['builds']);
  assert.deepEqual(r.urls.filter((u) => ['bullmq', 'ioredis', 'node-sql-parser'].some((h) => u.includes(h))), []);
});

test('dist/ is fresh only while newer than every source file', () => {
  const root = join(dir, 'tree');
  mkdirSync(join(root, 'compiler', 'ir'), { recursive: true });
  writeFileSync(join(root, 'compiler', 'ir', 'plan.ts'), '');
  writeFileSync(join(root, 'package.json'), '{}');
  assert.deepEqual(distState(root), { fresh: false, reason: 'dist/ has not been built' });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', '.build-stamp'), '');
  const past = new Date(Date.now() - 60_000);
  for (const p of ['compiler/ir/plan.ts', 'compiler/ir', 'compiler', 'package.json']) utimesSync(join(root, p), past, past);
  assert.deepEqual(distState(root), { fresh: true });
  const future = new Date(Date.now() + 60_000);
  utimesSync(join(root, 'compiler', 'ir', 'plan.ts'), future, future);
  assert.deepEqual(distState(root), { fresh: false, reason: 'compiler/ir/plan.ts changed after dist/ was built' });
});

test('the shipped JavaScript: npm run build, then the CLI runs from dist with its assets and a compiled reference build', () => {
  const built = buildDist(ROOT) as { ok: boolean; output: string };
  assert.equal(built.ok, true, built.output);
  assert.deepEqual(distState(ROOT), { fresh: true });
  const version = run(['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  assert.doesNotMatch(version.stderr, /running from the TypeScript sources/);
  // the TPC-H queries are SQL files next to the code: found from dist
  const gen = run(['corpus', 'generate', 'tpch', '--scale', '0.01', '--out', join(dir, 'tpch')]);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stdout, /wrote 22 queries/);
  writeFileSync(join(dir, 'q.sql'), 'select n_name from nation where n_regionkey = 1');
  const compile = run(['compile', '--build', 'reference', '--catalog', join(dir, 'tpch', 'tpch.duckdb'), join(dir, 'q.sql')]);
  assert.equal(compile.status, 0, compile.stderr);
  assert.match(compile.stdout, /Scan\(table=\[nation\]/);
  assert.doesNotMatch(compile.stderr, /running from the TypeScript sources/);
});
