/**
 * The compiled JavaScript in dist/: whether it is there and up to date, and
 * how to (re)build it. Plain JavaScript on purpose: the launcher reads it
 * before anything is compiled.
 *
 * dist/ is built by `npm install` (the `prepare` script) and `npm run build`
 * with TypeScript's `tsc -p tsconfig.build.json`, plus a copy of the non-TS
 * files the code reads next to itself (SQL queries). It is fresh when its
 * stamp is newer than every source file and directory (a file added, edited
 * or removed after the build makes it stale).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** the source folders compiled into dist (as in tsconfig.build.json); missing ones are skipped */
export const SOURCE_DIRS = ['compiler', 'corpus', 'playback', 'flighting', 'release', 'store', 'server', 'cli'];
/** files whose change also changes what dist must contain */
export const SOURCE_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'bin/dist.js'];
export const STAMP = '.build-stamp';

/**
 * `{ fresh: true }`, or `{ fresh: false, reason }` naming the first newer
 * source (or the missing dist). Costs one stat per source file (~2 ms).
 */
export function distState(root = ROOT) {
  let built;
  try {
    built = statSync(join(root, 'dist', STAMP)).mtimeMs;
  } catch {
    return { fresh: false, reason: 'dist/ has not been built' };
  }
  for (const file of SOURCE_FILES) {
    const newer = newerThan(join(root, file), built, false);
    if (newer) return { fresh: false, reason: `${relative(root, newer)} changed after dist/ was built` };
  }
  for (const dir of SOURCE_DIRS) {
    const newer = newerThan(join(root, dir), built, true);
    if (newer) return { fresh: false, reason: `${relative(root, newer)} changed after dist/ was built` };
  }
  return { fresh: true };
}

/** the first path under `path` modified after `time`, or undefined */
function newerThan(path, time, recurse) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.mtimeMs > time) return path;
  if (!recurse || !st.isDirectory()) return undefined;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const found = newerThan(join(path, entry.name), time, entry.isDirectory());
    if (found) return found;
  }
  return undefined;
}

/** Where tsc is: TypeScript's own launcher, found through node's resolution. */
function tscPath(root) {
  const require = createRequire(join(root, 'package.json'));
  const pkgPath = require.resolve('typescript/package.json');
  const bin = JSON.parse(readFileSync(pkgPath, 'utf8')).bin;
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin.tsc);
}

/**
 * Compile into a fresh folder next to dist/ and swap it in, so a process
 * starting meanwhile sees the old dist or the new one, never half of one.
 * Returns `{ ok, output }` (tsc's messages).
 */
export function buildDist(root = ROOT) {
  const out = join(root, `dist.tmp-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  // the stamp carries the time the build STARTED: a source saved while tsc runs is newer than it,
  // so that edit is never taken as built
  const started = new Date();
  let tscBin;
  try {
    tscBin = tscPath(root);
  } catch {
    return { ok: false, output: 'TypeScript is not installed (a devDependency: npm install without --omit=dev)\n' };
  }
  const tsc = spawnSync(process.execPath, [tscBin, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, encoding: 'utf8' });
  const output = `${tsc.stdout ?? ''}${tsc.stderr ?? ''}${tsc.error ? String(tsc.error) : ''}`;
  if (tsc.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    return { ok: false, output };
  }
  for (const dir of SOURCE_DIRS) copyAssets(join(root, dir), join(out, dir));
  writeFileSync(join(out, STAMP), `${started.toISOString()}\n`);
  utimesSync(join(out, STAMP), started, started);
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
  renameSync(out, join(root, 'dist'));
  rmSync(old, { recursive: true, force: true });
  return { ok: true, output };
}

/** Copy every file that is not TypeScript (the SQL the code reads from next to itself). */
function copyAssets(from, to) {
  if (!existsSync(from)) return;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    if (entry.isDirectory()) copyAssets(src, join(to, entry.name));
    else if (!entry.name.endsWith('.ts')) {
      mkdirSync(to, { recursive: true });
      cpSync(src, join(to, entry.name));
    }
  }
}

// `node bin/dist.js`: build (the `prepare` and `build` scripts)
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const r = buildDist();
  if (r.output.trim()) process.stderr.write(r.output);
  if (!r.ok) {
    process.stderr.write('flightdeck: building dist/ failed (tsc -p tsconfig.build.json); the CLI will run from the TypeScript sources until it builds\n');
    // `npm install` runs this as `prepare`: a failed build must not fail the install (the CLI falls back to the sources)
    process.exit(process.argv.includes('--lenient') ? 0 : 1);
  }
  process.stdout.write(`flightdeck: built dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
