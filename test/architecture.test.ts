/**
 * The dependency direction of DESIGN.md, checked mechanically:
 * compiler ← corpus ← playback ← flighting ← release ← server/cli;
 * store under playback, flighting, release, server (and over corpus: it keeps its templates); ui imports types only.
 * Only compiler/parse imports node-sql-parser; only store/, compiler/builds/
 * and flighting/ import DuckDB; only store/ imports pg (the PostgreSQL store);
 * only playback/queue/bullmq* imports bullmq/ioredis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['compiler', 'corpus', 'store', 'playback', 'flighting', 'release', 'server', 'cli', 'bench'] as const;

/** what each top-level folder may import from (besides itself) */
const ALLOWED: Record<string, readonly string[]> = {
  compiler: [],
  corpus: ['compiler'],
  store: ['compiler', 'corpus'],
  playback: ['compiler', 'corpus', 'store'],
  flighting: ['compiler', 'corpus', 'store', 'playback'],
  release: ['compiler', 'corpus', 'store', 'playback', 'flighting'],
  server: ['compiler', 'corpus', 'store', 'playback', 'flighting', 'release'],
  cli: ['compiler', 'corpus', 'store', 'playback', 'flighting', 'release', 'server'],
  bench: ['compiler', 'corpus', 'store', 'playback', 'flighting', 'release'],
};

const PACKAGE_OWNERS: { pkg: RegExp; allowed: (file: string) => boolean; what: string }[] = [
  { pkg: /^node-sql-parser/, allowed: (f) => f.startsWith('compiler/parse/') || f.startsWith('bench/'), what: 'compiler/parse/ (and bench/, the parse-floor peer)' },
  { pkg: /^(@duckdb\/|duckdb-old)/, allowed: (f) => /^(store|flighting|compiler\/builds)\//.test(f), what: 'store/, compiler/builds/, flighting/' },
  { pkg: /^(pg|pg-.*)$/, allowed: (f) => f.startsWith('store/'), what: 'store/ (the PostgreSQL store backend)' },
  { pkg: /^(bullmq|ioredis)/, allowed: (f) => f.startsWith('playback/queue/bullmq'), what: 'playback/queue/bullmq*' },
];

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(p);
  }
  return out;
}

function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

test('imports follow the dependency direction of DESIGN.md', () => {
  const violations: string[] = [];
  for (const layer of LAYERS) {
    for (const file of sourceFiles(join(ROOT, layer))) {
      const rel = relative(ROOT, file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = relative(ROOT, resolve(dirname(file), spec));
          const top = target.split('/')[0]!;
          if (top !== layer && !ALLOWED[layer]!.includes(top)) violations.push(`${rel} imports ${target} (${layer} may not depend on ${top})`);
        } else {
          for (const owner of PACKAGE_OWNERS) {
            if (owner.pkg.test(spec) && !owner.allowed(rel)) violations.push(`${rel} imports ${spec} (only ${owner.what} may)`);
          }
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the ui imports only types from the rest of the tree', (t) => {
  const violations: string[] = [];
  if (!existsSync(join(ROOT, 'ui'))) {
    t.skip('no ui/ yet');
    return;
  }
  const files = sourceFiles(join(ROOT, 'ui', 'src'));
  // once ui/ exists, finding nothing to check means the check looks in the wrong place
  assert.ok(files.length > 0, 'ui/ exists but ui/src holds no .ts/.tsx files: the check would pass vacuously');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const re = /^\s*import\s+(type\s+)?[^'"]*?from\s*['"](\.[^'"]+)['"]/gm;
    for (const m of text.matchAll(re)) {
      const target = relative(ROOT, resolve(dirname(file), m[2]!));
      if (!target.startsWith('ui/') && !m[1]) violations.push(`${relative(ROOT, file)} imports values from ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the dependency check itself catches a violation', () => {
  assert.deepEqual(importsOf("import { x } from '../playback/run.ts';\nimport type { Y } from 'bullmq';"), ['../playback/run.ts', 'bullmq']);
});
