/**
 * Re-costing for `reference@<ref>` builds of commits from before `recost`:
 * their own server answers "unknown op" and sends no plan IR, so the build is
 * wrapped with a companion process (reference-recost-server.ts, started on
 * first need) that runs THAT commit's compiler modules behind this tree's
 * protocol server. The companion estimates another build's plan with the
 * commit's cost model, and re-compiles a query to hand out the commit's plan
 * IR (checked against the plan the build itself answered). A commit whose
 * modules the companion cannot use leaves the outcome "cannot re-cost".
 */
import { join } from 'node:path';
import type { Build, CompileOptions, CompileResult, PlanIrResult, RecostResult } from './build.ts';
import type { ExecuteOptions, ExecuteResult } from './execute-result.ts';
import { FLIGHTDECK_ROOT } from './duckdb-versions.ts';
import { ProcessBuild } from './process-build.ts';
import { prepareWorktree, resolveCommit } from './worktree.ts';

export const RECOST_SERVER_PATH = 'compiler/builds/reference-recost-server.ts';

export class RecostingReferenceBuild implements Build {
  private companion: Promise<{ ok: true; build: ProcessBuild } | { ok: false; reason: string }> | undefined;

  constructor(
    private readonly main: ProcessBuild,
    private readonly startCompanion: () => Promise<ProcessBuild>,
  ) {}

  get spec(): string {
    return this.main.spec;
  }
  get kind(): Build['kind'] {
    return this.main.kind;
  }
  get description(): string {
    return this.main.description;
  }

  compile(sql: string, options?: CompileOptions): Promise<CompileResult> {
    return this.main.compile(sql, options);
  }

  /** reference builds do not execute (flighting runs their lowered SQL on a DuckDB build): `not-executable` */
  execute(sql: string, options: ExecuteOptions): Promise<ExecuteResult> {
    return this.main.execute(sql, options);
  }

  async recost(planIr: unknown, options?: CompileOptions): Promise<RecostResult> {
    const own = await this.main.recost(planIr, options);
    if (own.ok || this.main.recostRefused === undefined) return own;
    const companion = await this.openCompanion();
    return companion.ok ? companion.build.recost(planIr, options) : { ok: false, reason: companion.reason };
  }

  async planIrOf(sql: string, simplified: string): Promise<PlanIrResult> {
    const companion = await this.openCompanion();
    if (!companion.ok) return { ok: false, reason: companion.reason };
    const again = await companion.build.compile(sql);
    if (!again.ok) return { ok: false, reason: `the commit's compiler, run again for its plan IR, failed: ${again.error.code}: ${again.error.message}` };
    if (again.plan.simplified !== simplified) return { ok: false, reason: "the commit's compiler, run again for its plan IR, gave a different plan" };
    if (again.planIr === undefined) return { ok: false, reason: 'the re-costing companion gave no plan IR' };
    return { ok: true, planIr: again.planIr };
  }

  async close(): Promise<void> {
    const companion = this.companion;
    this.companion = undefined;
    await Promise.all([this.main.close(), companion?.then((c) => (c.ok ? c.build.close() : undefined))]);
  }

  private openCompanion(): Promise<{ ok: true; build: ProcessBuild } | { ok: false; reason: string }> {
    this.companion ??= this.startCompanion().then(
      (build) => ({ ok: true as const, build }),
      (err: unknown) => ({ ok: false as const, reason: `${this.spec} predates re-costing and its compiler cannot be re-costed here: ${(err as Error).message}` }),
    );
    return this.companion;
  }
}

/** Wrap a `reference@<ref>` build so it can re-cost even when its commit's server cannot. */
export function withRecostCompanion(
  main: ProcessBuild,
  o: { readonly repoRoot: string; readonly ref: string; readonly profile: string; readonly cacheDir: string; readonly catalogPath: string; readonly timeoutMs?: number },
): RecostingReferenceBuild {
  return new RecostingReferenceBuild(main, async () => {
    const sha = await resolveCommit(o.repoRoot, o.ref);
    const { dir } = await prepareWorktree(o.repoRoot, o.ref, sha, o.cacheDir);
    return ProcessBuild.start({
      spec: `${main.spec} (re-costing)`,
      kind: 'reference',
      catalogPath: o.catalogPath,
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      spawn: {
        command: process.execPath,
        args: ['--import', 'tsx', join(FLIGHTDECK_ROOT, RECOST_SERVER_PATH), '--tree', dir, '--profile', o.profile, '--cache-dir', join(o.cacheDir, 'catalogs-by-commit', sha)],
        cwd: FLIGHTDECK_ROOT,
      },
    });
  });
}
