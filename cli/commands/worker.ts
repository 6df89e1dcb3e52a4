import type { Command } from 'commander';
import { startWorker } from '../../playback/queue/bullmq-worker.ts';
import { parsePositive, runCommand } from '../run-command.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('process playback jobs from a BullMQ queue on Redis until stopped (SIGINT/SIGTERM)')
    .requiredOption('--queue <url>', 'redis://HOST:PORT')
    .option('--concurrency <n>', 'jobs processed at once (each with its own build processes)', '1')
    .option('--name <name>', 'worker name recorded with each outcome (default host:pid)')
    .action((opts: { queue: string; concurrency: string; name?: string }) =>
      runCommand(async () => {
        const worker = await startWorker(opts.queue, {
          concurrency: Math.floor(parsePositive('--concurrency', opts.concurrency)),
          name: opts.name,
          onJob: (r) => process.stderr.write(`job ${r.runId} batch ${r.batch}: ${r.outcomes.length} templates\n`),
        });
        process.stderr.write(`worker ready on ${opts.queue}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await worker.close();
        process.stderr.write(`worker stopped after ${worker.processed()} jobs\n`);
        return 0;
      }),
    );
}
