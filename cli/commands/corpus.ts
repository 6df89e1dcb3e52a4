import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { generateTpch } from '../../corpus/tpch/generate.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { writeShopLog } from '../../corpus/shop/write-log.ts';
import { createProgress } from '../progress.ts';
import { parsePositive, runCommand, usageError } from '../run-command.ts';
import { registerCorpusImport } from './corpus-import.ts';
import { registerCorpusShow } from './corpus-show.ts';
import { registerCorpusDesensitize } from './corpus-desensitize.ts';

const SAMPLES = ['tpch', 'shop'] as const;

export function registerCorpus(program: Command): void {
  const corpus = program.command('corpus').description('query logs, workloads and sample data');
  registerCorpusImport(corpus);
  registerCorpusShow(corpus);
  registerCorpusDesensitize(corpus);
  corpus
    .command('generate')
    .description('generate a sample database (and its queries or production log)')
    .argument('<sample>', `which sample: ${SAMPLES.join(' | ')}`)
    .requiredOption('--out <dir>', 'output folder')
    .option('--scale <sf>', 'scale factor (tpch 1 = 6M lineitems; shop 1 = 1M orders)', '0.1')
    .option('--log-lines <n>', 'shop: lines of production log to write to DIR/queries.jsonl', '100000')
    .option('--seed <n>', 'seed for the deterministic generators', '1')
    .addHelpText('after', '\ntpch writes DIR/tpch.duckdb and DIR/queries/q01.sql … q22.sql;\nshop writes DIR/shop.duckdb and DIR/queries.jsonl.')
    .action((sample: string, opts: { out: string; scale: string; seed: string; logLines: string }) =>
      runCommand(async () => {
        if (!SAMPLES.includes(sample as (typeof SAMPLES)[number])) throw usageError(`unknown sample '${sample}'; available: ${SAMPLES.join(', ')}`);
        const scale = parsePositive('--scale', opts.scale);
        const seed = Number.parseInt(opts.seed, 10);
        if (!Number.isInteger(seed)) throw usageError(`--seed must be an integer, got '${opts.seed}'`);
        const out = resolve(opts.out);
        const started = performance.now();
        const secs = () => ((performance.now() - started) / 1000).toFixed(1);
        if (sample === 'tpch') {
          const progress = createProgress(`tpch sf=${scale}`, 8);
          let result;
          try {
            result = await generateTpch({ scale, seed, outDir: out, onProgress: (t: string) => progress.step(t) });
          } finally {
            progress.stop();
          }
          const counts = Object.entries(result.tables).map(([t, n]) => `${t}=${n}`).join(' ');
          process.stdout.write(`wrote ${result.dbPath} (${counts}) in ${secs()} s\nwrote 22 queries to ${result.queriesDir}\n`);
          return 0;
        }
        const lines = parsePositive('--log-lines', opts.logLines);
        const progress = createProgress(`shop sf=${scale}`, 7);
        let db;
        try {
          db = await generateShop({ scale, seed, outDir: out, onProgress: (t) => progress.step(t) });
          progress.step('log');
        } finally {
          progress.stop();
        }
        const logPath = join(out, 'queries.jsonl');
        const stats = await writeShopLog({ path: logPath, lines: Math.floor(lines), seed });
        const counts = Object.entries(db.tables).map(([t, n]) => `${t}=${n}`).join(' ');
        process.stdout.write(
          `wrote ${db.dbPath} (${counts})\nwrote ${logPath}: ${stats.lines} lines, ${Object.keys(stats.byShape).length} query shapes, ${stats.dml} DML, ${stats.broken} broken lines, in ${secs()} s\n`,
        );
        return 0;
      }),
    );
}
