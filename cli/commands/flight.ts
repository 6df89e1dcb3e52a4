import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { parseBuildSpec } from '../../compiler/builds/spec.ts';
import { processFlightJob, type FlightJob, type FlightJobResult } from '../../flighting/flight-job.ts';
import { checkSnapshot, resumeFlight, startFlight, type FlightQueue, type FlightSummary } from '../../flighting/run-flight.ts';
import { DUCKDB_VERSIONS, findDuckdbVersion } from '../../compiler/builds/duckdb-versions.ts';
import { parseSelection } from '../../flighting/select.ts';
import { startPlayback } from '../../playback/run-playback.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { resolveConcurrency } from '../../playback/queue/concurrency.ts';
import { DEFAULT_TIMEOUT_MS } from '../../playback/defaults.ts';
import { VERDICTS } from '../../playback/verdict.ts';
import { loadPolicy } from '../../playback/policy.ts';
import { createCounter } from '../progress.ts';
import { parsePositive, parsePositiveInt, runCommand, usageError } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';
import { openQueue, parseDuration, writeRunReports } from './playback.ts';

interface FlightOpts {
  run?: string;
  workload?: string;
  base?: string;
  head?: string;
  snapshot?: string;
  select: string;
  control: string;
  repetitions: string;
  threshold: string;
  confidence: string;
  budget: string;
  engine?: string;
  memoryLimit?: string;
  threads?: string;
  timeout: string;
  maxRows: string;
  allowUnmasked?: boolean;
  queue?: string;
  concurrency?: string;
  redisTimeout: string;
  out?: string;
  policy?: string;
  approvals?: string;
  resume?: string;
  store?: string;
}

const warn = (m: string) => process.stderr.write(`\nwarning: ${m}\n`);

async function openFlightQueue(url: string | undefined, o: { concurrency: number; redisTimeoutMs: number }): Promise<FlightQueue> {
  if (!url) return new LocalQueue<FlightJob, FlightJobResult>({ concurrency: o.concurrency, onWarning: warn }, processFlightJob);
  const { BullmqQueue } = await import('../../playback/queue/bullmq-queue.ts');
  return BullmqQueue.connect<FlightJob, FlightJobResult>(url, { onWarning: warn, redisTimeoutMs: o.redisTimeoutMs });
}

export function formatFlightSummary(s: FlightSummary): string {
  const counts = VERDICTS.filter((v) => s.counts[v]).map((v) => `${v} ${s.counts[v]}`).join(', ');
  const t = s.timings;
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `flight ${s.flightId} of run ${s.playbackRun}: flew ${s.flown} of ${s.total} templates (${(s.weightShare * 100).toFixed(1)}% of the workload's weight) — ${counts || 'nothing flown'}`,
    `  ${s.emptyBoth} flown template${s.emptyBoth === 1 ? '' : 's'} returned no rows on both sides (compared, but the data cannot show a difference there)`,
    `  time: execute ${sec(t.executeMs)}, compare ${sec(t.compareMs)}, statistics ${sec(t.statisticsMs)}, store ${sec(t.storeMs)}; wall ${sec(t.wallMs)}`,
    `  snapshot sha256 ${s.snapshotSha256.slice(0, 16)}… unchanged`,
  ].join('\n');
}

export function registerFlight(program: Command): void {
  withStoreOption(
    program
      .command('flight')
      .description('execute a playback run’s templates on a desensitized snapshot with both builds: result mismatches and measured speed')
      .option('--run <run>', 'the playback run to fly (see: flightdeck runs)')
      .option('--workload <name>', 'without --run: play back this workload on the snapshot first, then fly it')
      .option('--base <spec>', 'with --workload: the OLD build')
      .option('--head <spec>', 'with --workload: the NEW build')
      .option('--snapshot <db>', 'the desensitized snapshot (flightdeck desensitize); opened read-only by every execution')
      .option('--select <how>', 'changed | all | sample:N | risk:BUDGET (e.g. risk:10m)', 'changed')
      .option('--control <n>', 'with --select changed: also fly this many identical-plan templates as a control group', '0')
      .option('--repetitions <n>', "timed base/head pairs per template: 'auto' (stop as soon as the statistics decide, at most 192), a fixed number, or 0 to compare results only", 'auto')
      .option('--threshold <ratio>', 'a change smaller than this share is not slower/faster (0.1 = 10%)', '0.1')
      .option('--confidence <p>', 'confidence of the slower/faster decision: each template\'s interval, and 1 − p is the false discovery rate over the flight', '0.95')
      .option('--budget <duration>', 'timing budget per template', '20s')
      .option('--engine <version>', 'the DuckDB version that executes reference plans and the original SQL (default: the shipped default)')
      .option('--memory-limit <size>', "DuckDB memory_limit per execution engine, e.g. '1GB' (over it: a `resource` outcome)")
      .option('--threads <n>', 'DuckDB threads per execution engine')
      .option('--timeout <ms>', 'time limit per execution and per compile', String(DEFAULT_TIMEOUT_MS))
      .option('--max-rows <n>', 'rows fetched per side to show and compare a mismatch', '2000')
      .option('--allow-unmasked', 'fly a database without a masking report (only for data that holds nothing personal, e.g. generated data)')
      .addOption(new Option('--queue <url>', 'run through BullMQ on Redis with `flightdeck worker` processes; default: in-process. Keep a password out of `ps` with $FLIGHTDECK_QUEUE').env('FLIGHTDECK_QUEUE'))
      .option('--redis-timeout <duration>', 'with --queue: give up (exit 2, resumable) when Redis stays unreachable this long', '30s')
      .option('--concurrency <n>', 'in-process worker slots (default 1: timings are cleaner with one execution at a time)')
      .option('--out <dir>', 'write report.md, junit.xml and report.json of the flight here')
      .option('--policy <file>', 'the policy the reports show the gate under (default: the default policy)')
      .option('--approvals <file>', 'approved changes (default flightdeck.approvals.json if present)')
      .option('--resume <flight>', 'finish a flight that stopped halfway'),
  ).action((opts: FlightOpts) =>
    runCommand(async () => {
      if (opts.policy) loadPolicy(resolve(opts.policy));
      const selection = parseSelection(opts.select);
      const control = Number(opts.control);
      if (!Number.isInteger(control) || control < 0) throw usageError(`--control must be a whole number ≥ 0, got '${opts.control}'`);
      const repetitions = opts.repetitions === 'auto' ? undefined : opts.repetitions.trim() === '0' ? 0 : parsePositiveInt('--repetitions', opts.repetitions);
      if (repetitions !== undefined && repetitions !== 0 && (repetitions < 2 || repetitions > 1000)) {
        throw usageError(`--repetitions must be 'auto', 0 (results only) or 2 to 1000 timed pairs, got '${opts.repetitions}'`);
      }
      if (opts.engine && !findDuckdbVersion(opts.engine)) {
        throw usageError(`--engine: DuckDB ${opts.engine} is not shipped; shipped: ${DUCKDB_VERSIONS.map((v) => v.version).join(', ')}`);
      }
      const threshold = parsePositive('--threshold', opts.threshold);
      const confidence = Number(opts.confidence);
      if (!(confidence > 0.5 && confidence < 1)) throw usageError(`--confidence must be between 0.5 and 1, got '${opts.confidence}'`);
      if (!opts.resume) {
        if (!opts.snapshot) throw usageError('--snapshot is required (or --resume FLIGHT)');
        if (!opts.run && !(opts.workload && opts.base && opts.head)) throw usageError('give --run RUN, or --workload W --base SPEC --head SPEC (or --resume FLIGHT)');
        if (opts.run && opts.workload) throw usageError('--run and --workload exclude each other: a run already names its workload');
        if (opts.base) parseBuildSpec(opts.base);
        if (opts.head) parseBuildSpec(opts.head);
      }
      const slots = resolveConcurrency(opts.concurrency ? parsePositiveInt('--concurrency', opts.concurrency) : 1, {});
      if (slots.warning && !opts.queue) process.stderr.write(`warning: ${slots.warning}\n`);
      const redisTimeoutMs = parseDuration('--redis-timeout', opts.redisTimeout);
      const timeoutMs = parsePositive('--timeout', opts.timeout);
      const queue = await openFlightQueue(opts.queue, { concurrency: slots.concurrency, redisTimeoutMs });
      const counter = createCounter('flight');
      try {
        return await withStore(opts, async (store) => {
          const onProgress = (done: number, total: number) => counter.update(done, total);
          let runId = opts.run;
          if (!opts.resume && !runId) {
            // refuse a snapshot without a clean masking report before the playback runs (startFlight checks it again, after)
            await checkSnapshot(resolve(opts.snapshot!), opts.allowUnmasked ?? false);
            // no playback run given: play the workload back against the snapshot itself, then fly that run
            const playbackQueue = await openQueue(undefined, { concurrency: resolveConcurrency(undefined, {}).concurrency, redisTimeoutMs });
            const pb = createCounter('playback');
            try {
              const summary = await startPlayback(store, playbackQueue, {
                workload: opts.workload!, catalogPath: resolve(opts.snapshot!), baseSpec: opts.base!, headSpec: opts.head!, timeoutMs,
                onProgress: (d, t) => pb.update(d, t),
              });
              runId = summary.runId;
            } finally {
              pb.stop();
              await playbackQueue.close();
            }
            process.stdout.write(`played back ${opts.workload} on the snapshot as run ${runId}\n`);
          }
          const summary = opts.resume
            ? await resumeFlight(store, queue, opts.resume, onProgress)
            : await startFlight(store, queue, {
                runId: runId!,
                snapshotPath: resolve(opts.snapshot!),
                selection,
                control,
                perf: {
                  threshold,
                  confidence,
                  falseDiscoveryRate: 1 - confidence,
                  budgetMs: parseDuration('--budget', opts.budget),
                  ...(repetitions !== undefined ? { minPairs: repetitions, maxPairs: repetitions } : {}),
                },
                timeoutMs,
                ...(opts.engine ? { engine: opts.engine } : {}),
                limits: {
                  ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}),
                  ...(opts.threads ? { threads: parsePositiveInt('--threads', opts.threads) } : {}),
                },
                maxRows: parsePositiveInt('--max-rows', opts.maxRows),
                allowUnmasked: opts.allowUnmasked ?? false,
                onProgress,
                onSelected: (line) => process.stderr.write(`flying ${line}\n`),
              });
          counter.stop();
          process.stdout.write(formatFlightSummary(summary) + '\n');
          if (opts.out) process.stdout.write((await writeRunReports(store, summary.flightId, opts.out, opts.approvals, opts.policy)) + '\n');
          return 0;
        });
      } finally {
        counter.stop();
        await queue.close();
      }
    }),
  );
}
