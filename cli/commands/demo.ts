import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { generateTpch } from '../../corpus/tpch/generate.ts';
import { openBuild } from '../../compiler/builds/open-build.ts';
import type { Build, CompileResult } from '../../compiler/builds/build.ts';
import { createProgress } from '../progress.ts';
import { parsePositive, runCommand } from '../run-command.ts';

const DEMO_BUILDS = ['reference', 'reference#none', 'duckdb@1.3.2', 'duckdb@1.5.6'] as const;

/**
 * The end-to-end demo on the embedded default (no Redis): generate TPC-H,
 * compile the 22 queries with the reference compiler (optimized and
 * unoptimized) and two real DuckDB versions, and show where plans differ.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('end-to-end demo: generate TPC-H, compile all 22 queries with every build kind, compare plans')
    .option('--out <dir>', 'working folder', '.flightdeck/demo')
    .option('--scale <sf>', 'TPC-H scale factor', '0.1')
    .action((opts: { out: string; scale: string }) =>
      runCommand(async () => {
        const scale = parsePositive('--scale', opts.scale);
        const out = resolve(opts.out);
        const dbPath = join(out, 'tpch.duckdb');
        const queriesDir = join(out, 'queries');
        if (!existsSync(dbPath) || !existsSync(join(out, `.scale-${scale}`))) {
          const progress = createProgress(`generating TPC-H sf=${scale}`, 8);
          try {
            await generateTpch({ scale, outDir: out, onProgress: (t) => progress.step(t) });
          } finally {
            progress.stop();
          }
          (await import('node:fs')).writeFileSync(join(out, `.scale-${scale}`), '');
        }
        const files = readdirSync(queriesDir).filter((f) => f.endsWith('.sql')).sort();
        const builds: Build[] = [];
        try {
          for (const spec of DEMO_BUILDS) builds.push(await openBuild(spec, { catalogPath: dbPath }));
          const progress = createProgress('compiling', files.length * builds.length);
          const results: Record<string, CompileResult[]> = {};
          try {
            for (const f of files) {
              const sql = readFileSync(join(queriesDir, f), 'utf8');
              results[f] = [];
              for (const b of builds) {
                results[f]!.push(await b.compile(sql));
                progress.step(`${f} ${b.spec}`);
              }
            }
          } finally {
            progress.stop();
          }
          process.stdout.write(formatDemoTable(files, builds, results));
          const changed = files.find((f) => {
            const [, , old, neu] = results[f]!;
            return old?.ok && neu?.ok && old.plan.simplified !== neu.plan.simplified;
          });
          if (changed) {
            const [, , old, neu] = results[changed]! as [CompileResult, CompileResult, CompileResult & { ok: true }, CompileResult & { ok: true }];
            process.stdout.write(`\nplan diff for ${changed}, duckdb 1.3.2 → 1.5.6 (simplified):\n`);
            process.stdout.write(createTwoFilesPatch(`${changed}@duckdb-1.3.2`, `${changed}@duckdb-1.5.6`, old.plan.simplified, neu.plan.simplified, '', '', { context: 2 }));
          }
          return 0;
        } finally {
          for (const b of builds) await b.close();
        }
      }),
    );
}

function formatDemoTable(files: string[], builds: Build[], results: Record<string, CompileResult[]>): string {
  const head = ['query', 'reference cost', 'unoptimized cost', 'ratio', 'rules fired', 'duckdb 1.3.2 → 1.5.6'];
  const rows = files.map((f) => {
    const [ref, none, old, neu] = results[f]!;
    const cost = (r: CompileResult | undefined) => (r?.ok ? Math.round(r.cost).toString() : r ? r.status : '-');
    const ratio = ref?.ok && none?.ok && none.cost > 0 ? (ref.cost / none.cost).toFixed(3) : '-';
    const rules = ref?.ok ? String(ref.rulesFired.length) : '-';
    const duck = old?.ok && neu?.ok ? (old.plan.simplified === neu.plan.simplified ? 'identical' : 'plan changed') : `${old?.ok ? 'ok' : old?.status} → ${neu?.ok ? 'ok' : neu?.status}`;
    return [f.replace('.sql', ''), cost(ref), cost(none), ratio, rules, duck];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const builtWith = `builds: ${builds.map((b) => b.description).join(' | ')}\n`;
  return builtWith + [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
