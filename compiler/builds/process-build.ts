/**
 * The one isolation mechanism behind every Build: the build runs in a child
 * process speaking the JSON-lines protocol (docs/build-protocol.md). This
 * class is the host side: a queue (one request at a time per process),
 * per-request time limits (the process is killed and the request answered
 * `timeout`), crash reporting with the build's stderr tail (`crash`),
 * protocol violations (`protocol-error`), and a lazy respawn (with a fresh
 * `hello`) for the request after any of these. `execute` (flighting) goes
 * through the same queue; execute-answer.ts reads its answers.
 */
import type { Build, BuildKind, CompileFailure, CompileOptions, CompileResult, RecostResult } from './build.ts';
import { FlightdeckError } from '../errors.ts';
import { BuildProcess, DEFAULT_MAX_LINE_BYTES, type RequestOutcome, type SpawnSpec } from './build-process.ts';
import { EXECUTE_GRACE_MS, readExecuteOutcome } from './execute-answer.ts';
import type { ExecuteOptions, ExecuteResult } from './execute-result.ts';
import type { HelloAnswer } from './protocol.ts';
import { PROTOCOL_VERSION } from './protocol-lines.ts';

/** The answer schemas (zod), loaded once, while the first build process starts rather than before it. */
let schemas: Promise<typeof import('./protocol.ts')> | undefined;
const answerSchemas = () => (schemas ??= import('./protocol.ts'));

/** the least time a build gets to start and answer hello, whatever the per-query limit */
export const MIN_STARTUP_MS = 5_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** longest answer read from a build unless FLIGHTDECK_MAX_ANSWER_MB says otherwise */
export const DEFAULT_MAX_ANSWER_BYTES = DEFAULT_MAX_LINE_BYTES;
export const MAX_ANSWER_ENV = 'FLIGHTDECK_MAX_ANSWER_MB';

/** The answer-size limit from FLIGHTDECK_MAX_ANSWER_MB (megabytes, may be fractional); `usage-error` for a bad value. */
export function maxAnswerBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[MAX_ANSWER_ENV];
  if (text === undefined) return DEFAULT_MAX_ANSWER_BYTES;
  const mb = Number(text);
  if (text.trim() === '' || !Number.isFinite(mb) || mb <= 0) {
    throw new FlightdeckError('usage-error', `${MAX_ANSWER_ENV} must be a positive number of megabytes, got '${text}'`);
  }
  return Math.round(mb * 1024 * 1024);
}

export interface ProcessBuildOptions {
  readonly spec: string;
  readonly kind: BuildKind;
  readonly spawn: SpawnSpec;
  /** absolute path of the catalog database, sent in `hello` */
  readonly catalogPath: string;
  /** per-request time limit; also the limit for starting and answering `hello` unless startupTimeoutMs is given */
  readonly timeoutMs?: number;
  readonly startupTimeoutMs?: number;
  /** longest answer accepted, in bytes (default: FLIGHTDECK_MAX_ANSWER_MB, else 64 MB) */
  readonly maxAnswerBytes?: number;
  /** the one-line description, from what `hello` answered */
  readonly describe?: (hello: HelloAnswer) => string;
  /** extra checks on the `hello` answer; return a message to refuse the build */
  readonly checkHello?: (hello: HelloAnswer) => string | undefined;
}

export class ProcessBuild implements Build {
  readonly spec: string;
  readonly kind: BuildKind;
  description = '';
  /** what the build answered to its first `hello` */
  hello: HelloAnswer | undefined;
  private process: BuildProcess | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private readonly maxAnswerBytes: number;

  private constructor(private readonly options: ProcessBuildOptions) {
    this.spec = options.spec;
    this.kind = options.kind;
    this.maxAnswerBytes = options.maxAnswerBytes ?? maxAnswerBytesFromEnv();
  }

  /** Start the process and say hello; rejects with `build-error` (incl. the stderr tail) when that fails. */
  static async start(options: ProcessBuildOptions): Promise<ProcessBuild> {
    const build = new ProcessBuild(options);
    const started = await build.startProcess();
    // a process that died or did not answer while starting may start next time (load, memory); a refusal will not
    if (!started.ok) throw new FlightdeckError('build-error', `build '${options.spec}' failed to start: ${started.reason}`, { retryable: started.retryable === true });
    build.hello = started.hello;
    build.description = options.describe?.(started.hello) ?? `${started.hello.name} ${started.hello.version}`;
    return build;
  }

  /** pid of the current build process (undefined between a crash and the next request) */
  get pid(): number | undefined {
    return this.process?.alive ? this.process.pid : undefined;
  }

  compile(sql: string, options: CompileOptions = {}): Promise<CompileResult> {
    if (this.closed) return Promise.reject(new FlightdeckError('usage-error', `build '${this.spec}' is closed`));
    const run = this.queue.then(() => this.compileNow(sql, options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const p = this.process;
    this.process = undefined;
    if (p) await p.shutdown();
  }

  private async compileNow(sql: string, timeoutMs: number): Promise<CompileResult> {
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    if (this.closed) return failure('error', 'build-error', `build '${this.spec}' was closed before the query was compiled`, elapsed());
    if (!this.process?.alive) {
      const started = await this.startProcess();
      if (!started.ok) return failure('crash', 'build-crash', `build failed to restart: ${started.reason}`, elapsed());
    }
    const proc = this.process!;
    const id = this.nextId++;
    const t1 = performance.now();
    const outcome = await proc.request({ id, op: 'compile', sql }, timeoutMs);
    if (this.closed && outcome.kind !== 'answer') {
      return failure('error', 'build-error', `build '${this.spec}' was closed while compiling this query`, elapsed());
    }
    switch (outcome.kind) {
      case 'timeout':
        return failure('timeout', 'build-timeout', `no answer within ${timeoutMs} ms; the build process was killed`, elapsed());
      case 'exit':
        return failure('crash', 'build-crash', outcome.reason, elapsed());
      case 'protocol':
        return failure('error', 'protocol-error', `${outcome.reason} (the build process was restarted)`, elapsed());
      case 'too-large':
        return failure('error', 'answer-too-large', `${tooLarge(outcome.limitBytes)} (the build process was restarted)`, elapsed());
      case 'answer':
        break;
    }
    const { checkAnswer } = await answerSchemas();
    const checked = checkAnswer('compile', outcome.value);
    if (checked.ok === null) {
      await proc.kill();
      return failure('error', 'protocol-error', `${checked.reason} (the build process was restarted)`, elapsed());
    }
    if (checked.ok === false) {
      const e = checked.failure.error;
      return {
        ok: false,
        status: 'error',
        error: { code: e.code, message: e.message, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { column: e.column } : {}) },
        timingMs: elapsed(),
      };
    }
    const a = checked.answer;
    return {
      ok: true,
      plan: { simplified: a.plan.simplified, explain: a.plan.explain, json: a.plan.json },
      cost: a.cost,
      rows: a.rows,
      rulesFired: a.rulesFired ?? [],
      timingMs: a.timingMs ?? performance.now() - t1,
      ...(a.sql !== undefined ? { sql: a.sql } : {}),
      ...(a.planIr !== undefined ? { planIr: a.planIr } : {}),
    };
  }

  /** why this build cannot re-cost, once it said so (a build that does not know `recost` is not asked again) */
  recostRefused: string | undefined;

  recost(planIr: unknown, options: CompileOptions = {}): Promise<RecostResult> {
    if (this.closed) return Promise.reject(new FlightdeckError('usage-error', `build '${this.spec}' is closed`));
    const run = this.queue.then(() => this.recostNow(planIr, options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async recostNow(plan: unknown, timeoutMs: number): Promise<RecostResult> {
    if (this.recostRefused) return { ok: false, reason: this.recostRefused };
    if (this.closed) return { ok: false, reason: `build '${this.spec}' was closed` };
    if (!this.process?.alive) {
      const started = await this.startProcess();
      if (!started.ok) return { ok: false, reason: `build failed to restart: ${started.reason}` };
    }
    const outcome = await this.process!.request({ id: this.nextId++, op: 'recost', plan }, timeoutMs);
    switch (outcome.kind) {
      case 'timeout':
        return { ok: false, reason: `no answer to recost within ${timeoutMs} ms` };
      case 'exit':
      case 'protocol':
        return { ok: false, reason: outcome.reason };
      case 'too-large':
        return { ok: false, reason: tooLarge(outcome.limitBytes) };
      case 'answer':
        break;
    }
    const { checkAnswer } = await answerSchemas();
    const checked = checkAnswer('recost', outcome.value);
    if (checked.ok === null) return { ok: false, reason: checked.reason };
    if (checked.ok === false) {
      const e = checked.failure.error;
      if (e.code === 'unsupported-op' || (e.code === 'protocol-error' && /unknown op/.test(e.message))) {
        this.recostRefused = `${this.spec} does not re-cost plans (it answers: ${e.message})`;
        return { ok: false, reason: this.recostRefused };
      }
      return { ok: false, reason: `${e.code}: ${e.message}` };
    }
    return { ok: true, cost: checked.answer.cost, rows: checked.answer.rows };
  }

  /** why this build cannot execute, once it said so (it is not asked again) */
  executeRefused: string | undefined;

  /** Run `sql` on the build's catalog (flighting); never rejects for what the query or the build does. */
  execute(sql: string, options: ExecuteOptions): Promise<ExecuteResult> {
    if (this.closed) return Promise.reject(new FlightdeckError('usage-error', `build '${this.spec}' is closed`));
    const run = this.queue.then(() => this.executeNow(sql, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(sql: string, options: ExecuteOptions): Promise<ExecuteResult> {
    const t0 = performance.now();
    const fail = (status: 'error' | 'crash' | 'not-executable', code: string, message: string): ExecuteResult => ({ ok: false, status, error: { code, message }, latencyMs: performance.now() - t0 });
    if (this.executeRefused) return fail('not-executable', 'not-executable', this.executeRefused);
    if (this.closed) return fail('error', 'build-error', `build '${this.spec}' was closed before the query ran`);
    if (!this.process?.alive) {
      const started = await this.startProcess();
      if (!started.ok) return fail('crash', 'build-crash', `build failed to restart: ${started.reason}`);
    }
    const proc = this.process!;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const request = { id: this.nextId++, op: 'execute', sql, mode: options.mode, maxRows: options.maxRows ?? 0, timeoutMs, ...(options.write ? { write: true } : {}) };
    const outcome = await proc.request(request, timeoutMs + EXECUTE_GRACE_MS);
    if (this.closed && outcome.kind !== 'answer') return fail('error', 'build-error', `build '${this.spec}' was closed while the query ran`);
    const { checkExecuteAnswer } = await answerSchemas();
    const reading = readExecuteOutcome(outcome, { spec: this.spec, timeoutMs, latencyMs: performance.now() - t0, check: checkExecuteAnswer });
    if (reading.restart) await proc.kill();
    else if (reading.refused) this.executeRefused = reading.refused;
    return reading.result;
  }

  /** Spawn a process and say hello; on success it becomes the current process. */
  private async startProcess(): Promise<{ ok: true; hello: HelloAnswer } | { ok: false; reason: string; retryable?: boolean }> {
    let proc: BuildProcess;
    try {
      proc = new BuildProcess({ ...this.options.spawn, maxLineBytes: this.maxAnswerBytes });
    } catch (err) {
      return { ok: false, reason: `cannot start '${this.options.spawn.command}': ${(err as Error).message}` };
    }
    const loading = answerSchemas();
    loading.catch(() => undefined); // awaited below; not unhandled if the start fails first
    const id = this.nextId++;
    // the handshake (start the process, load the catalog) gets the same limit as a query
    // (never below MIN_STARTUP_MS: a 300 ms per-query limit must not stop every build from starting)
    const limit = this.options.startupTimeoutMs ?? Math.max(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, MIN_STARTUP_MS);
    const outcome: RequestOutcome = await proc.request({ id, op: 'hello', catalog: this.options.catalogPath, protocol: PROTOCOL_VERSION }, limit);
    const refuse = async (reason: string, retryable = false) => {
      await proc.kill();
      const tail = proc.stderr.trim();
      return { ok: false as const, reason: tail && !reason.includes('stderr:') ? `${reason}; stderr: ${tail.slice(-1500)}` : reason, retryable };
    };
    switch (outcome.kind) {
      case 'timeout':
        return refuse(`no answer to hello within ${limit} ms`, true);
      case 'exit':
        return refuse(`${outcome.reason} (during startup)`, true);
      case 'protocol':
        return refuse(outcome.reason);
      case 'too-large':
        return refuse(tooLarge(outcome.limitBytes));
      case 'answer':
        break;
    }
    const { checkAnswer } = await loading;
    const checked = checkAnswer('hello', outcome.value);
    if (checked.ok === null) return refuse(checked.reason);
    if (checked.ok === false) return refuse(`${checked.failure.error.code}: ${checked.failure.error.message}`);
    if (checked.answer.protocol !== undefined && checked.answer.protocol !== PROTOCOL_VERSION) {
      return refuse(`the build speaks protocol ${checked.answer.protocol}; flightdeck speaks ${PROTOCOL_VERSION}`);
    }
    const refusal = this.options.checkHello?.(checked.answer);
    if (refusal) return refuse(refusal);
    if (this.closed) {
      await proc.shutdown();
      return { ok: false, reason: 'the build was closed while starting' };
    }
    this.process = proc;
    return { ok: true, hello: checked.answer };
  }
}

function tooLarge(limitBytes: number): string {
  return `answer too large: the build's answer is larger than ${limitBytes} bytes; raise the limit with ${MAX_ANSWER_ENV}=<megabytes> if the plan is really that big`;
}

function failure(status: CompileFailure['status'], code: string, message: string, timingMs: number): CompileFailure {
  return { ok: false, status, error: { code, message }, timingMs };
}
