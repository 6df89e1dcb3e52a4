/**
 * The dependency direction of DESIGN.md, checked mechanically:
 * compiler ← corpus ← playback ← flighting ← release ← server/cli;
 * store under playback, flighting, release, server (and over corpus: it keeps its templates); ui imports types only.
 * Only compiler/parse imports node-sql-parser; only store/, compiler/builds/
 * and flighting/ import DuckDB; only store/ imports pg (the PostgreSQL store;
 * bench/ too, to make its own databases); bench/ sits above server/ and may use
 * the tests' helpers (the browser launcher);
 * only playback/queue/bullmq* imports bullmq/ioredis.
 * ui/ (the browser bundle) takes only types, and only from server/ and store/.
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
  // bench measures everything up to the server; it also drives the browser with the tests' launcher (test/helpers/)
  bench: ['compiler', 'corpus', 'store', 'playback', 'flighting', 'release', 'server'],
};

/** single files a layer may use outside its allowed layers */
const ALLOWED_PATHS: Record<string, RegExp> = { bench: /^test\/helpers\// };

const PACKAGE_OWNERS: { pkg: RegExp; allowed: (file: string) => boolean; what: string }[] = [
  { pkg: /^node-sql-parser/, allowed: (f) => f.startsWith('compiler/parse/') || f.startsWith('bench/'), what: 'compiler/parse/ (and bench/, the parse-floor peer)' },
  { pkg: /^(@duckdb\/|duckdb-old)/, allowed: (f) => /^(store|flighting|compiler\/builds)\//.test(f), what: 'store/, compiler/builds/, flighting/' },
  { pkg: /^(pg|pg-.*)$/, allowed: (f) => f.startsWith('store/') || f.startsWith('bench/'), what: 'store/ (the PostgreSQL store backend; and bench/, which makes and drops its own databases)' },
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
          if (top !== layer && !ALLOWED[layer]!.includes(top) && !ALLOWED_PATHS[layer]?.test(target)) violations.push(`${rel} imports ${target} (${layer} may not depend on ${top})`);
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

/** where ui/ may take types from: the API contract and the store records it names */
const UI_TYPE_SOURCES = ['server', 'store'] as const;

/**
 * What a ui/ file takes from outside ui/: every relative import, re-export
 * or dynamic import that leaves ui/, as a violation unless it is an
 * `import type` / `export type` (erased from the bundle) from server/ or store/.
 */
function uiViolations(rel: string, text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^'"]*?)from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^\s*import\s+['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = (m[4] ?? m[5] ?? m[6])!;
    const target = relative(ROOT, resolve(dirname(join(ROOT, rel)), spec));
    if (target.startsWith('ui/')) continue;
    const top = target.split('/')[0]!;
    if (!m[2]) out.push(`${rel} takes values from ${target} (ui/ may only \`import type\`)`);
    else if (!(UI_TYPE_SOURCES as readonly string[]).includes(top)) out.push(`${rel} imports types from ${target} (ui/ may only use types from ${UI_TYPE_SOURCES.join('/, ')}/)`);
  }
  return out;
}

test('the ui imports only types, and only from server/ and store/', (t) => {
  if (!existsSync(join(ROOT, 'ui'))) {
    t.skip('no ui/ yet');
    return;
  }
  const files = sourceFiles(join(ROOT, 'ui', 'src'));
  // once ui/ exists, finding nothing to check means the check looks in the wrong place
  assert.ok(files.length > 0, 'ui/ exists but ui/src holds no .ts/.tsx files: the check would pass vacuously');
  const violations = files.flatMap((file) => uiViolations(relative(ROOT, file), readFileSync(file, 'utf8')));
  assert.deepEqual(violations, []);
});

test('the ui check itself catches value imports, re-exports, dynamic imports and other layers', () => {
  const rel = 'ui/src/pages/x.tsx';
  const text = [
    "import type { Page } from '../../../server/api-types.ts';",
    "import { OUTCOME_SORTS } from '../../../store/outcome-query.ts';",
    "import { type Me } from '../../../server/api-types.ts';",
    "export type { Facets } from '../../../server/api-types.ts';",
    "export { Health } from '../../../server/api-types.ts';",
    "const m = import('../../../server/api-types.ts');",
    "import '../../../server/app.ts';",
    "import type { Plan } from '../../../compiler/ir/plan.ts';",
    "import { Layout } from '../components/Layout.tsx';",
  ].join('\n');
  assert.deepEqual(uiViolations(rel, text), [
    `${rel} takes values from store/outcome-query.ts (ui/ may only \`import type\`)`,
    `${rel} takes values from server/api-types.ts (ui/ may only \`import type\`)`,
    `${rel} takes values from server/api-types.ts (ui/ may only \`import type\`)`,
    `${rel} takes values from server/api-types.ts (ui/ may only \`import type\`)`,
    `${rel} takes values from server/app.ts (ui/ may only \`import type\`)`,
    `${rel} imports types from compiler/ir/plan.ts (ui/ may only use types from server/, store/)`,
  ]);
});

test('the dependency check itself catches a violation', () => {
  assert.deepEqual(importsOf("import { x } from '../playback/run.ts';\nimport type { Y } from 'bullmq';"), ['../playback/run.ts', 'bullmq']);
});
