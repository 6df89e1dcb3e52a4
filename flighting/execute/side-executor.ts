/**
 * How one build executes one template on the snapshot. The Build contract
 * says what a build can do; this decides the route:
 *
 * - `duckdb@V[?settings]`: the template's SQL, executed by that engine in its
 *   own build process (opened on the snapshot, in the sandbox), through the
 *   protocol's `execute`.
 * - `reference[@ref][#profile]`: the build compiles the template against the
 *   snapshot; the lowered SQL of its plan (which DuckDB runs as planned, with
 *   the lowering's own settings) runs on the ENGINE — `duckdb@<engine>` with
 *   those settings, one process per engine version and settings. So the
 *   executed plan is the build's plan, and base and head of a reference
 *   change run on the same engine process, interleaved.
 * - `command:…`: the program's own `execute` when it implements it; else, when
 *   its compile answers carry lowered `sql`, the engine runs that; else the
 *   template is `not-executable` for it (never a failure of the build).
 *
 * Limits (memory_limit, threads) are engine settings, applied before the
 * sandbox locks the configuration; time limits go with each request.
 */
import type { Build, CompileResult } from '../../compiler/builds/build.ts';
import { DUCKDB_VERSIONS, findDuckdbVersion } from '../../compiler/builds/duckdb-versions.ts';
import { splitLoweredScript } from '../../compiler/builds/lowered-script.ts';
import { formatBuildSpec, parseBuildSpec, type BuildSpec } from '../../compiler/builds/spec.ts';
import { FlightdeckError, toFlightdeckError } from '../../compiler/errors.ts';
import type { BuildLease, BuildPool } from '../../playback/job.ts';
import type { ExecuteFailure, ExecuteOptions, ExecuteResult } from './execute-result.ts';

export interface ExecutionLimits {
  /** DuckDB memory_limit for each execution engine, e.g. `1GB` */
  readonly memoryLimit?: string;
  /** DuckDB threads per execution engine */
  readonly threads?: number;
}

export interface ExecutionContext {
  readonly pool: BuildPool;
  /** absolute path of the snapshot every execution reads */
  readonly snapshotPath: string;
  /** per-request time limit of the build processes (compile and execute), ms */
  readonly timeoutMs: number;
  /** the DuckDB version that executes reference plans and the original SQL (default: the shipped default) */
  readonly engine?: string;
  readonly limits?: ExecutionLimits;
}

/** One build, ready to execute one template: call `run` as often as needed, then `release`. */
export interface SideExecutor {
  /** how it executes, for reports: `duckdb@1.5.6`, `lowered on duckdb@1.5.6`, `not-executable: …` */
  readonly route: string;
  /** the compile on the snapshot, for reference and command builds (undefined for duckdb builds) */
  readonly compile?: CompileResult;
  run(options: ExecuteOptions): Promise<ExecuteResult>;
  release(): void;
}

/** `duckdb@V` with the limits (and any extra settings) added, unless the spec sets them itself. */
export function engineSpec(version: string | undefined, settings: readonly (readonly [string, string])[], limits: ExecutionLimits = {}): string {
  const v = version ? findDuckdbVersion(version) : DUCKDB_VERSIONS[0];
  if (!v) throw new FlightdeckError('usage-error', `--engine: DuckDB ${version} is not shipped; shipped: ${DUCKDB_VERSIONS.map((x) => x.version).join(', ')}`);
  return formatBuildSpec({ kind: 'duckdb', version: v, settings: withLimits(settings, limits) });
}

function withLimits(settings: readonly (readonly [string, string])[], limits: ExecutionLimits): (readonly [string, string])[] {
  const out = [...settings];
  const has = (name: string) => out.some(([k]) => k.toLowerCase() === name);
  if (limits.memoryLimit !== undefined && !has('memory_limit')) out.push(['memory_limit', limits.memoryLimit]);
  if (limits.threads !== undefined && !has('threads')) out.push(['threads', String(limits.threads)]);
  return out;
}

/** The engine that runs a template's original SQL (the cross-check of reference builds): default settings. */
export async function originalExecutor(ctx: ExecutionContext, sql: string): Promise<SideExecutor> {
  const lease = await ctx.pool.acquire(engineSpec(ctx.engine, [], ctx.limits), ctx.snapshotPath, ctx.timeoutMs);
  return fromBuild(lease, sql, `original SQL on ${lease.build.spec}`);
}

/** Open the route for `spec` and `sql` (see the file comment). Build start-up failures throw (the job is retried); a template's failure is a failed result. */
export async function prepareSide(spec: string, sql: string, ctx: ExecutionContext): Promise<SideExecutor> {
  const parsed: BuildSpec = parseBuildSpec(spec);
  if (parsed.kind === 'duckdb') {
    const lease = await ctx.pool.acquire(formatBuildSpec({ ...parsed, settings: withLimits(parsed.settings, ctx.limits ?? {}) }), ctx.snapshotPath, ctx.timeoutMs);
    return fromBuild(lease, sql, lease.build.spec);
  }
  const compilerLease = await ctx.pool.acquire(spec, ctx.snapshotPath, ctx.timeoutMs);
  try {
    if (parsed.kind === 'command' && (await executesItself(compilerLease.build, ctx.timeoutMs))) {
      return fromBuild(compilerLease, sql, `${spec} (its own execute)`);
    }
    const compiled = await compilerLease.build.compile(sql);
    if (!compiled.ok) {
      // a statement the build does not take (a write, for most builds) is not executable by it; any other compile error is an error
      const status = compiled.error.code === 'unsupported' ? 'not-executable' : 'error';
      return failed(compilerLease, compiled, status, `the build did not compile the template on the snapshot: ${compiled.error.code}: ${compiled.error.message}`);
    }
    if (compiled.sql === undefined) {
      return failed(compilerLease, compiled, 'not-executable', 'the build gave no lowered SQL for its plan (it cannot be executed as planned)');
    }
    let lowered: { settings: readonly (readonly [string, string])[]; query: string };
    try {
      lowered = splitLoweredScript(compiled.sql);
    } catch (err) {
      return failed(compilerLease, compiled, 'not-executable', `the build's lowered SQL is not executable here: ${toFlightdeckError(err).message}`);
    }
    const engineLease = await ctx.pool.acquire(engineSpec(ctx.engine, lowered.settings, ctx.limits), ctx.snapshotPath, ctx.timeoutMs);
    const inner = fromBuild(engineLease, lowered.query, `lowered on ${engineLease.build.spec.replace(/\?.*/, '')}`);
    return {
      route: inner.route,
      compile: compiled,
      run: (o) => inner.run(o),
      release: () => {
        engineLease.release();
        compilerLease.release();
      },
    };
  } catch (err) {
    compilerLease.release();
    throw err;
  }
}

/** whether a command build implements `execute`: asked once per build process, with a query that reads nothing */
const selfExecuting = new WeakMap<Build, Promise<boolean>>();

function executesItself(build: Build, timeoutMs: number): Promise<boolean> {
  const execute = build.execute?.bind(build);
  if (!execute) return Promise.resolve(false);
  let known = selfExecuting.get(build);
  if (!known) {
    known = execute('SELECT 1', { mode: 'result', timeoutMs }).then((r) => !(r.ok === false && r.status === 'not-executable'));
    selfExecuting.set(build, known);
  }
  return known;
}

function fromBuild(lease: BuildLease, sql: string, route: string): SideExecutor {
  const build: Build = lease.build;
  return {
    route,
    run: async (options) => {
      if (!build.execute) return notExecutable(`${build.spec} cannot execute (its protocol has no execute)`);
      return build.execute(sql, options);
    },
    release: () => lease.release(),
  };
}

function failed(lease: BuildLease, compile: CompileResult, status: ExecuteFailure['status'], message: string): SideExecutor {
  const result: ExecuteFailure = { ok: false, status, error: { code: status === 'not-executable' ? 'not-executable' : 'compile-error', message }, latencyMs: 0 };
  return { route: `${status}: ${message}`, compile, run: async () => result, release: () => lease.release() };
}

function notExecutable(message: string): ExecuteFailure {
  return { ok: false, status: 'not-executable', error: { code: 'not-executable', message }, latencyMs: 0 };
}
