/**
 * `openBuild(spec, options)`: every build runs isolated in its own child
 * process speaking docs/build-protocol.md, behind ProcessBuild (time limits,
 * crash reporting, respawn). This file only decides WHAT to start:
 *
 * - `reference[#profile]`: compiler/builds/reference-server.ts of this checkout;
 * - `reference@<ref>[#profile]`: the same file in a worktree at that commit;
 * - `duckdb[@version][?settings]`: duckdb-server.ts with that version's package
 *   (one process per version; `hello` must report the version asked for);
 * - `command:<path> [args...]`: the program itself, no shell.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FlightdeckError } from '../errors.ts';
import type { Build, OpenBuildOptions } from './build.ts';
import { FLIGHTDECK_ROOT, installedPackage } from './duckdb-versions.ts';
import { ProcessBuild, type ProcessBuildOptions } from './process-build.ts';
import { withRecostCompanion } from './reference-recost.ts';
import { parseBuildSpec, type BuildSpec } from './spec.ts';
import { REFERENCE_SERVER_PATH, prepareWorktree, resolveCommit } from './worktree.ts';
import type { SpawnSpec } from './build-process.ts';

/** Open a build; rejects with `usage-error` for a bad spec and `build-error` when the build cannot start. */
export async function openBuild(spec: string, options: OpenBuildOptions): Promise<Build> {
  const build = await openProcessBuild(spec, options);
  const parsed = parseBuildSpec(spec);
  if (parsed.kind !== 'reference' || parsed.ref === undefined) return build;
  // an older commit's server may not know `recost`: a companion re-costs with that commit's compiler
  const repoRoot = resolve(options.repoRoot ?? FLIGHTDECK_ROOT);
  return withRecostCompanion(build, {
    repoRoot, ref: parsed.ref, profile: parsed.profile, cacheDir: resolve(options.cacheDir ?? join(repoRoot, '.flightdeck', 'cache')), catalogPath: resolve(options.catalogPath),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** Same as openBuild, typed as the ProcessBuild it is (tests look at its pid). */
export async function openProcessBuild(spec: string, options: OpenBuildOptions): Promise<ProcessBuild> {
  const parsed = parseBuildSpec(spec);
  const catalogPath = resolve(options.catalogPath);
  if (!existsSync(catalogPath)) {
    throw new FlightdeckError('not-found', `catalog database not found: ${catalogPath}`, { location: { file: catalogPath } });
  }
  const repoRoot = resolve(options.repoRoot ?? FLIGHTDECK_ROOT);
  const cacheDir = resolve(options.cacheDir ?? join(repoRoot, '.flightdeck', 'cache'));
  const base = { spec: spec.trim(), kind: parsed.kind, catalogPath, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
  switch (parsed.kind) {
    case 'reference':
      if (parsed.ref === undefined) return startWorkTreeReference(parsed, base, cacheDir);
      return ProcessBuild.start({ ...base, ...(await referenceLaunch(parsed, repoRoot, cacheDir)) });
    case 'duckdb':
      return ProcessBuild.start({ ...base, ...duckdbLaunch(parsed) });
    case 'command':
      return ProcessBuild.start({
        ...base,
        spawn: { command: parsed.command, args: parsed.args },
        describe: (h) => `${h.name} ${h.version} (command: ${[parsed.command, ...parsed.args].join(' ')})`,
      });
  }
}

type Launch = Pick<Parameters<typeof ProcessBuild.start>[0], 'spawn' | 'describe' | 'checkHello'>;

/**
 * How this host runs: compiled (dist/…/open-build.js, started by the launcher
 * when dist/ is up to date) or from the TypeScript sources through tsx (tests,
 * a stale dist/). The build processes it starts run the same way, so a test
 * from the sources tests the work tree's servers and the CLI from dist never
 * pays tsx's start-up.
 */
export const RUNNING_COMPILED = import.meta.url.endsWith('.js');

/** The command line of a TypeScript build server `script` (path of its .ts source under `root`). */
export function nodeServer(root: string, script: string, args: readonly string[], compiled = RUNNING_COMPILED): SpawnSpec {
  if (compiled) {
    return { command: process.execPath, args: [join(root, 'dist', script.replace(/\.ts$/, '.js')), ...args], cwd: root };
  }
  // cwd = that tree's root: `--import tsx` resolves from there (a worktree links node_modules)
  return { command: process.execPath, args: ['--import', 'tsx', join(root, script), ...args], cwd: root };
}

type ReferenceSpec = Extract<BuildSpec, { kind: 'reference' }>;

/**
 * The work tree's reference build. The profile must exist in this tree (an
 * old commit's server checks its own), checked here for a `usage-error`
 * rather than a failed start; the rules are loaded lazily (opening other
 * builds never loads the compiler into the host) and while the process
 * starts, not before.
 */
async function startWorkTreeReference(spec: ReferenceSpec, base: Omit<ProcessBuildOptions, 'spawn'>, cacheDir: string): Promise<ProcessBuild> {
  const starting = ProcessBuild.start({
    ...base,
    spawn: nodeServer(FLIGHTDECK_ROOT, REFERENCE_SERVER_PATH, ['--profile', spec.profile, '--cache-dir', join(cacheDir, 'catalogs')]),
    describe: () => `reference compiler (work tree ${FLIGHTDECK_ROOT}), profile ${spec.profile}`,
  });
  starting.catch(() => undefined); // awaited below; a failure to start must not be unhandled meanwhile
  try {
    const { resolveProfile } = await import('../rules/index.ts');
    resolveProfile(spec.profile);
  } catch (err) {
    await starting.then((b) => b.close(), () => undefined);
    throw err;
  }
  return starting;
}

async function referenceLaunch(spec: ReferenceSpec, repoRoot: string, cacheDir: string): Promise<Launch> {
  if (spec.ref === undefined) throw new Error('referenceLaunch: the work tree is started by startWorkTreeReference');
  const sha = await resolveCommit(repoRoot, spec.ref);
  const { dir, compiledServer } = await prepareWorktree(repoRoot, spec.ref, sha, cacheDir);
  // a commit's catalog cache is its own: the cache format may differ between commits
  const catalogCache = join(cacheDir, 'catalogs-by-commit', sha);
  const args = ['--profile', spec.profile, '--cache-dir', catalogCache];
  return {
    // compiled once in place when the worktree was prepared; tsx when that commit would not compile
    spawn: compiledServer ? { command: process.execPath, args: [compiledServer, ...args], cwd: dir } : nodeServer(dir, REFERENCE_SERVER_PATH, args, false),
    describe: () => `reference compiler at ${spec.ref} (${sha.slice(0, 12)}), profile ${spec.profile}`,
  };
}

function duckdbLaunch(spec: Extract<BuildSpec, { kind: 'duckdb' }>): Launch {
  const { version, packageName } = spec.version;
  const installed = installedPackage(packageName)?.version;
  if (!installed) throw new FlightdeckError('environment-error', `DuckDB ${version} needs the npm package '${packageName}', which is not installed (run npm install)`);
  const settings = spec.settings.map(([k, v]) => `${k}=${v}`).join(', ');
  return {
    spawn: nodeServer(FLIGHTDECK_ROOT, 'compiler/builds/duckdb-server.ts', [packageName, JSON.stringify(spec.settings)]),
    checkHello: (h) =>
      h.version === `v${version}` ? undefined : `package ${packageName} reports DuckDB ${h.version}, expected v${version}: the wrong engine was loaded`,
    describe: (h) => `DuckDB ${h.version} (${packageName} ${installed})${settings ? `, settings: ${settings}` : ''}`,
  };
}
