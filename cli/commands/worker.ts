import { Option, type Command } from 'commander';
import { processAnyJob } from '../../flighting/any-job.ts';
import { startWorker } from '../../playback/queue/bullmq-worker.ts';
import { resolveConcurrency } from '../../playback/queue/concurrency.ts';
import { redactRedisUrl } from '../../playback/queue/redis-url.ts';
import { parsePositiveInt, runCommand } from '../run-command.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('process playback and flight jobs from a BullMQ queue on Redis until stopped (SIGINT/SIGTERM); keeps reconnecting while Redis is away')
    .addOption(new Option('--queue <url>', 'redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS; keep a password out of `ps` with $FLIGHTDECK_QUEUE').env('FLIGHTDECK_QUEUE').makeOptionMandatory())
    .option('--concurrency <n>', 'jobs processed at once, each with its own build processes (at most one per core)', '1')
    .option('--oversubscribe', 'allow --concurrency above the core count (builds that mostly wait, e.g. on a remote service)')
    .option('--name <name>', 'worker name recorded with each outcome (default host:pid)')
    .action((opts: { queue: string; concurrency: string; oversubscribe?: boolean; name?: string }) =>
      runCommand(async () => {
        const slots = resolveConcurrency(parsePositiveInt('--concurrency', opts.concurrency), { oversubscribe: opts.oversubscribe });
        if (slots.warning) process.stderr.write(`warning: ${slots.warning}\n`);
        const worker = await startWorker(opts.queue, {
          concurrency: slots.concurrency,
          process: processAnyJob,
          name: opts.name,
          onJob: (r) => process.stderr.write(`job ${r.runId} batch ${r.batch}: ${r.templates ?? 0} templates\n`),
        });
        process.stderr.write(`worker ready on ${redactRedisUrl(opts.queue)}\n`);
        // `on`, not `once`: a handler stays registered, so the build processes' own signal hook
        // (which kills them) does not also re-raise the signal and end this process before close()
        await new Promise<void>((resolve) => {
          const onSignal = () => {
            worker.stopping();
            resolve();
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        });
        await worker.close();
        process.stderr.write(`worker stopped after ${worker.processed()} jobs\n`);
        return 0;
      }),
    );
}

