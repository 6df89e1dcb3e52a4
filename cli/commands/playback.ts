import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { parseBuildSpec } from '../../compiler/builds/spec.ts';
import { startPlayback, resumePlayback, type RunSummary } from '../../playback/run-playback.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import type { PlaybackQueue } from '../../playback/queue/queue.ts';
import { resolveConcurrency } from '../../playback/queue/concurrency.ts';
import { approvalKeys, DEFAULT_APPROVALS_FILE, loadApprovals } from '../../playback/approvals.ts';
import { gatherReport } from '../../playback/report/report-data.ts';
import { writeReports } from '../../playback/report/write-reports.ts';
import { VERDICTS } from '../../playback/verdict.ts';
import { DEFAULT_POLICY, loadPolicy } from '../../playback/policy.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_IMPROVED_AT, DEFAULT_REGRESSED_AT, DEFAULT_TIMEOUT_MS } from '../../playback/defaults.ts';
import type { Store } from '../../store/store.ts';
import { createCounter } from '../progress.ts';
import { parsePositive, parsePositiveInt, runCommand, usageError } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';
import { parseDuration as parseDurationText } from '../../playback/duration.ts';

interface PlaybackOpts {
  workload?: string;
  catalog?: string;
  base?: string;
  head?: string;
  queue?: string;
  concurrency?: string;
  oversubscribe?: boolean;
  redisTimeout: string;
  batchSize: string;
  timeout: string;
  regressedAt: string;
  improvedAt: string;
  out?: string;
  approvals?: string;
  policy?: string;
  costBasis: string;
  resume?: string;
  store?: string;
}

const warn = (m: string) => process.stderr.write(`\nwarning: ${m}\n`);

/** The BullMQ adapter is loaded only when --queue asks for it (it loads bullmq and ioredis). */
export async function openQueue(url: string | undefined, o: { concurrency: number; redisTimeoutMs: number }): Promise<PlaybackQueue> {
  if (!url) return new LocalQueue({ concurrency: o.concurrency, onWarning: warn });
  const { BullmqQueue } = await import('../../playback/queue/bullmq-queue.ts');
  return BullmqQueue.connect(url, { onWarning: warn, redisTimeoutMs: o.redisTimeoutMs });
}

/** `30s`, `2m`, `500ms`, `1h`, or a number of seconds (playback/duration.ts) */
export function parseDuration(name: string, value: string): number {
  return parseDurationText(value, name);
}

export function formatSummary(s: RunSummary): string {
  const counts = VERDICTS.filter((v) => s.counts[v]).map((v) => `${v} ${s.counts[v]}`).join(', ');
  return `run ${s.runId}: ${s.total} templates — ${counts || 'nothing compared'}; ${s.clusters} change clusters`;
}

/** Reports show the gate under the policy given (default: DEFAULT_POLICY), the same decision `flightdeck gate` makes. */
export async function writeRunReports(store: Store, runId: string, out: string, approvalsPath: string | undefined, policyPath?: string): Promise<string> {
  const approvals = loadApprovals(resolve(approvalsPath ?? DEFAULT_APPROVALS_FILE), approvalsPath !== undefined);
  const policy = policyPath ? loadPolicy(resolve(policyPath)) : DEFAULT_POLICY;
  const report = await gatherReport(store, runId, approvalKeys(approvals), policy);
  const paths = writeReports(resolve(out), report);
  return `reports (gate ${report.gate.passed ? 'passed' : 'FAILED'} under ${policyPath ?? 'the default policy'}): ${paths.markdown}, ${paths.junit}, ${paths.json}`;
}

export function registerPlayback(program: Command): void {
  withStoreOption(
    program
      .command('playback')
      .description('compile every template of a workload with a base and a head build, diff and classify the plans')
      .option('--workload <name>', 'workload to replay (see: flightdeck corpus show)')
      .option('--catalog <db>', 'DuckDB database both builds bind against (a path every worker can read)')
      .option('--base <spec>', 'the OLD build, e.g. reference@main, duckdb@1.3.2')
      .option('--head <spec>', 'the NEW build, e.g. reference, duckdb@1.5.6')
      .addOption(new Option('--queue <url>', 'run through BullMQ on Redis (redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS) with `flightdeck worker` processes; default: in-process. Keep a password out of `ps` with $FLIGHTDECK_QUEUE').env('FLIGHTDECK_QUEUE'))
      .option('--redis-timeout <duration>', 'with --queue: give up (exit 2, resumable) when Redis stays unreachable this long', '30s')
      .option('--concurrency <n>', 'in-process worker slots (default and maximum: one per core)')
      .option('--oversubscribe', 'allow --concurrency above the core count (builds that mostly wait, e.g. on a remote service)')
      .option('--batch-size <n>', 'templates per job', String(DEFAULT_BATCH_SIZE))
      .option('--timeout <ms>', 'per-query compile time limit for each build', String(DEFAULT_TIMEOUT_MS))
      .option('--regressed-at <ratio>', 'head/base cost ratio at which a changed plan is a regression', String(DEFAULT_REGRESSED_AT))
      .option('--improved-at <ratio>', 'ratio at which a changed plan is an improvement', String(DEFAULT_IMPROVED_AT))
      .option('--cost-basis <basis>', "whose estimates judge a changed plan: 'base-estimator' (the base build re-costs the head plan; reference builds) or 'own'", 'base-estimator')
      .option('--out <dir>', 'write report.md, junit.xml and report.json here')
      .option('--policy <file>', 'the policy the reports show the gate under (default: the default policy)')
      .option('--approvals <file>', `approved plan changes (default ${DEFAULT_APPROVALS_FILE} if present)`)
      .option('--resume <run>', 'finish a run that stopped halfway'),
  ).action((opts: PlaybackOpts) =>
    runCommand(async () => {
      if (opts.policy) loadPolicy(resolve(opts.policy)); // a bad policy fails before the run, not after it
      const slots = resolveConcurrency(opts.concurrency ? parsePositiveInt('--concurrency', opts.concurrency) : undefined, { oversubscribe: opts.oversubscribe });
      if (slots.warning && !opts.queue) process.stderr.write(`warning: ${slots.warning}\n`);
      const redisTimeoutMs = parseDuration('--redis-timeout', opts.redisTimeout);
      if (!opts.resume) {
        for (const k of ['workload', 'catalog', 'base', 'head'] as const) if (!opts[k]) throw usageError(`--${k} is required (or --resume RUN)`);
        parseBuildSpec(opts.base!);
        parseBuildSpec(opts.head!);
      }
      const queue = await openQueue(opts.queue, { concurrency: slots.concurrency, redisTimeoutMs });
      const counter = createCounter('playback');
      try {
        return await withStore(opts, async (store) => {
          const onProgress = (done: number, total: number) => counter.update(done, total);
          const summary = opts.resume
            ? await resumePlayback(store, queue, opts.resume, onProgress)
            : await startPlayback(store, queue, {
                workload: opts.workload!,
                catalogPath: resolve(opts.catalog!),
                baseSpec: opts.base!,
                headSpec: opts.head!,
                batchSize: parsePositiveInt('--batch-size', opts.batchSize),
                timeoutMs: parsePositive('--timeout', opts.timeout),
                thresholds: {
                  regressedAt: parsePositive('--regressed-at', opts.regressedAt),
                  improvedAt: parsePositive('--improved-at', opts.improvedAt),
                  costBasis: parseCostBasis(opts.costBasis),
                },
                onProgress,
              });
          counter.stop();
          process.stdout.write(formatSummary(summary) + '\n');
          if (opts.out) process.stdout.write((await writeRunReports(store, summary.runId, opts.out, opts.approvals, opts.policy)) + '\n');
          return 0;
        });
      } finally {
        counter.stop();
        await queue.close();
      }
    }),
  );
}

function parseCostBasis(v: string): 'base-estimator' | 'own' {
  if (v === 'base-estimator' || v === 'own') return v;
  throw usageError(`--cost-basis must be 'base-estimator' or 'own', got '${v}'`);
}
