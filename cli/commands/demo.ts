import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateTpch } from '../../corpus/tpch/generate.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { writeShopLog } from '../../corpus/shop/write-log.ts';
import { openBuild } from '../../compiler/builds/open-build.ts';
import type { Build, CompileResult } from '../../compiler/builds/build.ts';
import { Store } from '../../store/store.ts';
import { startPlayback } from '../../playback/run-playback.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { formatCheckValue } from '../../playback/report/gate-text.ts';
import { DEFAULT_POLICY } from '../../playback/policy.ts';
import { createCounter, createProgress } from '../progress.ts';
import { parsePositive, parsePositiveInt, runCommand } from '../run-command.ts';
import { DEFAULT_APPROVALS_FILE } from '../../playback/approvals.ts';
import { SERVER_IDLE_MS, serveUntilStopped } from './serve.ts';
import { formatSummary, writeRunReports } from './playback.ts';
import { desensitizeShop } from './demo-desensitize.ts';
import { flyRun } from './demo-flight.ts';

const COMPILE_BUILDS = ['reference', 'reference#none', 'duckdb@1.3.2', 'duckdb@1.5.6'] as const;

/**
 * The end-to-end demo on the embedded default (no Redis): TPC-H compiled by
 * every build kind; then a generated `shop` database and production log,
 * desensitized first (a snapshot with its masking report, the log imported
 * with its literals masked), played back on the snapshot through a real
 * engine upgrade (DuckDB 1.3.2 → 1.5.6) and an optimizer change (our
 * compiler without → with cost-based join ordering), and each run flown:
 * its changed templates (and a control group) executed by both builds on
 * the snapshot, results compared and speed measured. Then it serves the
 * dashboard on the demo's store (the URL and a one-time token printed),
 * until Ctrl-C; `--no-serve` ends after the reports.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('end-to-end demo: TPC-H through every build kind; shop data desensitized, its log played back through two changes and flown on the snapshot')
    .option('--out <dir>', 'working folder (data, store, reports)', '.flightdeck/demo')
    .option('--scale <sf>', 'TPC-H scale factor', '0.1')
    .option('--log-lines <n>', 'lines of shop production log', '200000')
    .option('--no-serve', 'end after the reports instead of serving the dashboard on the demo store')
    .option('--port <n>', 'the dashboard port', '8080')
    .action((opts: { out: string; scale: string; logLines: string; serve: boolean; port: string }) =>
      runCommand(async () => {
        const scale = parsePositive('--scale', opts.scale);
        const out = resolve(opts.out);
        const started = performance.now();
        process.stdout.write(`== 1. TPC-H sf=${scale}: the 22 queries compiled by every build kind\n`);
        await compileTpch(out, scale);
        process.stdout.write(`\n== 2. shop data and its production log, desensitized: masked consistently, leak-scanned, plans kept\n`);
        await generateShopData(out, Math.floor(parsePositive('--log-lines', opts.logLines)));
        const snapshot = await desensitizeShop(out, 'shop');
        if (!snapshot) return 1;
        process.stdout.write(`\n== 3. the shop workload played back on the snapshot through an engine upgrade and an optimizer change, and flown\n`);
        await playbackAndFly(out, snapshot);
        const storePath = join(out, 'store.duckdb');
        process.stdout.write(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(0)} s; explore with: flightdeck runs --store ${storePath}\n`);
        if (opts.serve) {
          const port = parsePositiveInt('--port', opts.port);
          process.stdout.write(`\n== 4. the dashboard on the demo's store\n`);
          const store = await Store.open(storePath, { idleMs: SERVER_IDLE_MS });
          try {
            // runs started from the demo's dashboard may use the demo's own data and its snapshot
            await serveUntilStopped(store, { host: '127.0.0.1', port, approvalsPath: resolve(DEFAULT_APPROVALS_FILE), runPolicy: { dataDirs: [out] } });
          } finally {
            store.close();
          }
        }
        return 0;
      }),
    );
}

async function compileTpch(out: string, scale: number): Promise<void> {
  const dir = join(out, 'tpch');
  const dbPath = join(dir, 'tpch.duckdb');
  const marker = join(dir, `.scale-${scale}`);
  if (!existsSync(dbPath) || !existsSync(marker)) {
    const progress = createProgress(`generating TPC-H sf=${scale}`, 8);
    try {
      await generateTpch({ scale, outDir: dir, onProgress: (t: string) => progress.step(t) });
    } finally {
      progress.stop();
    }
    writeFileSync(marker, '');
  }
  const queriesDir = join(dir, 'queries');
  const files = readdirSync(queriesDir).filter((f) => f.endsWith('.sql')).sort();
  const builds: Build[] = [];
  try {
    for (const spec of COMPILE_BUILDS) builds.push(await openBuild(spec, { catalogPath: dbPath }));
    const results: Record<string, CompileResult[]> = {};
    const progress = createCounter('compiling');
    for (const [i, f] of files.entries()) {
      const sql = readFileSync(join(queriesDir, f), 'utf8');
      results[f] = [];
      for (const b of builds) results[f]!.push(await b.compile(sql));
      progress.update(i + 1, files.length);
    }
    progress.stop();
    process.stdout.write(formatCompileTable(files, builds, results));
  } finally {
    for (const b of builds) await b.close();
  }
}

function formatCompileTable(files: string[], builds: Build[], results: Record<string, CompileResult[]>): string {
  const head = ['query', 'reference cost', 'as written (no rules)', 'ratio', 'rules fired', 'duckdb 1.3.2 → 1.5.6'];
  const rows = files.map((f) => {
    const [ref, none, old, neu] = results[f]!;
    const cost = (r: CompileResult | undefined) => (r?.ok ? (r.cost >= 1e9 ? r.cost.toExponential(1) : Math.round(r.cost).toString()) : r ? r.status : '-');
    const q = ref?.ok && none?.ok && none.cost > 0 ? ref.cost / none.cost : null;
    const ratio = q === null ? '-' : q >= 0.01 ? q.toFixed(2) : q.toExponential(0);
    const duck = old?.ok && neu?.ok ? (old.plan.simplified === neu.plan.simplified ? 'same plan' : 'plan changed') : `${old?.ok ? 'ok' : old?.status} → ${neu?.ok ? 'ok' : neu?.status}`;
    return [f.replace('.sql', ''), cost(ref), cost(none), ratio, ref?.ok ? String(ref.rulesFired.length) : '-', duck];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const ok = files.filter((f) => results[f]!.every((r) => r.ok)).length;
  return `builds: ${builds.map((b) => b.description).join(' | ')}\n${[line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n${ok}/${files.length} queries compiled by all ${builds.length} builds\n`;
}

async function generateShopData(out: string, logLines: number): Promise<void> {
  const dir = join(out, 'shop');
  const dbPath = join(dir, 'shop.duckdb');
  const logPath = join(dir, 'queries.jsonl');
  const marker = join(dir, `.log-${logLines}`);
  if (existsSync(dbPath) && existsSync(marker)) return;
  const progress = createProgress('generating shop sf=0.05', 6);
  try {
    await generateShop({ scale: 0.05, outDir: dir, onProgress: (t) => progress.step(t) });
  } finally {
    progress.stop();
  }
  await writeShopLog({ path: logPath, lines: logLines });
  writeFileSync(marker, '');
}

async function playbackAndFly(out: string, snapshot: string): Promise<void> {
  const store = await Store.open(join(out, 'store.duckdb'));
  const queue = new LocalQueue();
  try {
    for (const [base, head, name] of [
      ['duckdb@1.3.2', 'duckdb@1.5.6', 'engine-upgrade'],
      ['reference#heuristic', 'reference', 'optimizer-change'],
    ] as const) {
      const counter = createCounter(`${base} → ${head}`);
      const summary = await startPlayback(store, queue, { workload: 'shop', catalogPath: snapshot, baseSpec: base, headSpec: head, onProgress: (d, t) => counter.update(d, t) });
      counter.stop();
      process.stdout.write(`\n${base} → ${head}\n${formatSummary(summary)}\n`);
      const decision = evaluateGate(await store.getOutcomes(summary.runId), DEFAULT_POLICY, new Set());
      process.stdout.write(`gate (default policy): ${decision.passed ? 'PASSED' : 'FAILED'} — ${decision.checks.map((c) => `${c.name} ${formatCheckValue(c, c.actual)}/${formatCheckValue(c, c.limit)}`).join(', ')}\n`);
      for (const c of await store.getClusters(summary.runId)) {
        process.stdout.write(`  cluster: ${c.templates} template(s), ${Object.entries(c.verdicts).map(([v, n]) => `${v} ${n}`).join(', ')}: ${c.description.slice(0, 110)}\n`);
      }
      process.stdout.write(`${await writeRunReports(store, summary.runId, join(out, 'reports', name), undefined)}\n`);
      await flyRun(store, summary.runId, snapshot, join(out, 'reports', `${name}-flight`));
    }
  } finally {
    await queue.close();
    store.close();
  }
}
