/**
 * How fast the CLI starts, against bare `node -e 0` in the same run
 * (interleaved, so a busy machine slows every column alike):
 *
 * - `flightdeck --help` from dist/ (the shipped JavaScript);
 * - `flightdeck compile` of one query with the reference build on a small
 *   TPC-H catalog, end to end (host start, build process start, catalog from
 *   its cache, compile, print);
 * - for comparison, `--help` from the TypeScript sources through tsx (what
 *   every command cost before dist/).
 *
 * Targets: --help within 4× of bare node; the one-query compile under 0.5 s.
 *
 *   node --import tsx bench/cli-startup.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'flightdeck.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;

// npm run build: what is measured is the shipped JavaScript of this work tree
const built = spawnSync(process.execPath, [join(ROOT, 'bin', 'dist.js')], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stderr}`);

const dir = mkdtempSync(join(tmpdir(), 'fd-bench-startup-'));
try {
  const setup = spawnSync(process.execPath, [BIN, 'corpus', 'generate', 'tpch', '--scale', '0.01', '--out', dir], { encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(setup.stderr);
  const query = join(dir, 'q.sql');
  writeFileSync(query, 'select n_name, count(*) from nation join region on n_regionkey = r_regionkey group by n_name\n');
  const cases: { name: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'flightdeck --help (dist)', args: [BIN, '--help'] },
    { name: 'flightdeck compile, 1 query, reference (dist)', args: [BIN, 'compile', '--build', 'reference', '--catalog', join(dir, 'tpch.duckdb'), query] },
    { name: 'flightdeck --help (sources, tsx)', args: [BIN, '--help'], env: { ...process.env, FLIGHTDECK_FROM_SOURCE: '1' } },
  ];
  // one unmeasured round: the catalog cache is filled, files are in the page cache
  for (const c of cases) spawnSync(process.execPath, c.args, { env: c.env ?? process.env, stdio: 'ignore' });
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, k) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, c.args, { env: c.env ?? process.env, encoding: 'utf8' });
      times[k]!.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`${c.name} failed: ${r.stderr}`);
    });
  }
  const stats = times.map((xs) => {
    const s = xs.toSorted((a, b) => a - b);
    return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
  });
  const node = stats[0]!.median;
  process.stdout.write(`${runs} runs each, interleaved; median (min–max), ratio of medians to node -e 0\n`);
  cases.forEach((c, k) => {
    const s = stats[k]!;
    process.stdout.write(`  ${c.name.padEnd(48)} ${s.median.toFixed(0).padStart(5)} ms  (${s.min.toFixed(0)}–${s.max.toFixed(0)})  ${(s.median / node).toFixed(1)}×\n`);
  });
  const help = stats[1]!.median / node;
  const compile = stats[2]!.median;
  process.stdout.write(`target --help ≤ 4× node: ${help.toFixed(1)}× ${help <= 4 ? 'met' : 'NOT met'}\n`);
  process.stdout.write(`target one-query compile < 500 ms: ${compile.toFixed(0)} ms ${compile < 500 ? 'met' : 'NOT met'} (bare node here: ${node.toFixed(0)} ms)\n`);
  process.stdout.write(`dist vs sources for --help: ${(stats[3]!.median / stats[1]!.median).toFixed(1)}× faster\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
