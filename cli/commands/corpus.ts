import type { Command } from 'commander';
import { resolve } from 'node:path';
import { generateTpch } from '../../corpus/tpch/generate.ts';
import { createProgress } from '../progress.ts';
import { parsePositive, runCommand, usageError } from '../run-command.ts';

const TPCH_TABLES = 8;

export function registerCorpus(program: Command): void {
  const corpus = program.command('corpus').description('test data and query workloads');
  corpus
    .command('generate')
    .description('generate a sample database and its queries (tpch)')
    .argument('<workload>', 'which sample: tpch')
    .requiredOption('--out <dir>', 'output folder (DIR/tpch.duckdb and DIR/queries/)')
    .option('--scale <sf>', 'scale factor (1 = 6M lineitem rows)', '0.1')
    .option('--seed <n>', 'seed for the deterministic generator', '1')
    .action((workload: string, opts: { out: string; scale: string; seed: string }) =>
      runCommand(async () => {
        if (workload !== 'tpch') throw usageError(`unknown sample '${workload}'; available: tpch`);
        const scale = parsePositive('--scale', opts.scale);
        const seed = Number.parseInt(opts.seed, 10);
        if (!Number.isInteger(seed)) throw usageError(`--seed must be an integer, got '${opts.seed}'`);
        const started = performance.now();
        const progress = createProgress(`tpch sf=${scale}`, TPCH_TABLES);
        let result;
        try {
          result = await generateTpch({ scale, seed, outDir: resolve(opts.out), onProgress: (t) => progress.step(t) });
        } finally {
          progress.stop();
        }
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        const counts = Object.entries(result.tables).map(([t, n]) => `${t}=${n}`).join(' ');
        process.stdout.write(`wrote ${result.dbPath} (${counts}) in ${secs} s\nwrote 22 queries to ${result.queriesDir}\n`);
        return 0;
      }),
    );
}
