/**
 * The re-costing companion of a `reference@<ref>` build whose own server
 * predates `recost`: this tree's protocol server around THAT commit's
 * compiler modules (imported from its worktree), so the old commit's cost
 * model can estimate a newer build's plan, and the old commit's plan can be
 * had as IR for the newer build to estimate.
 *
 *   node --import tsx compiler/builds/reference-recost-server.ts --tree <worktree> [--profile <spec>] [--cache-dir <dir>]
 *
 * `hello` loads the catalog with the commit's loader; `compile` runs the
 * commit's compileSql and answers with its plan IR; `recost` annotates a
 * plan with the commit's estimator. It needs the commit to have
 * compiler/compile.ts (compileSql), compiler/cost/annotate.ts (annotate) and
 * compiler/builds/load-catalog.ts (loadCatalog) with today's signatures;
 * when it does not, `hello` fails and the outcome says "cannot re-cost".
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlightdeckError, toFlightdeckError } from '../errors.ts';
import type { CompileResult } from './build.ts';
import { serveProtocol } from './serve-protocol.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const tree = option('--tree');
const profile = option('--profile') ?? 'default';
const cacheDir = option('--cache-dir');

type Plan = { readonly est?: { readonly cost: number; readonly rows: number } };
interface CommitCompiler {
  readonly catalog: unknown;
  readonly compileSql: (sql: string, catalog: unknown, options: { profile: string }) => { plan: Plan; simplified: string; explain: string; json: unknown; cost: number; rows: number; rulesFired: readonly string[] };
  readonly annotate: (plan: Plan, catalog: unknown) => Plan;
}
let commit: CommitCompiler | undefined;

async function load(path: string, name: string): Promise<unknown> {
  const mod = (await import(pathToFileURL(join(tree!, path)).href)) as Record<string, unknown>;
  if (typeof mod[name] !== 'function') throw new FlightdeckError('build-error', `${path} of ${tree} has no function ${name}: this commit cannot re-cost`);
  return mod[name];
}

serveProtocol({
  async hello(catalogPath) {
    if (!tree) throw new FlightdeckError('usage-error', 'reference-recost-server needs --tree <worktree>');
    const loadCatalog = (await load('compiler/builds/load-catalog.ts', 'loadCatalog')) as (p: string, o: object) => Promise<unknown>;
    commit = {
      catalog: await loadCatalog(catalogPath, cacheDir ? { cacheDir } : {}),
      compileSql: (await load('compiler/compile.ts', 'compileSql')) as CommitCompiler['compileSql'],
      annotate: (await load('compiler/cost/annotate.ts', 'annotate')) as CommitCompiler['annotate'],
    };
    return { name: 'flightdeck-reference-recost', version: `${tree} profile ${profile}` };
  },
  async compile(sql): Promise<CompileResult> {
    if (!commit) throw new FlightdeckError('protocol-error', 'compile before hello');
    const t0 = performance.now();
    try {
      const c = commit.compileSql(sql, commit.catalog, { profile });
      return { ok: true, plan: { simplified: c.simplified, explain: c.explain, json: c.json }, cost: c.cost, rows: c.rows, rulesFired: c.rulesFired, timingMs: performance.now() - t0, planIr: c.plan };
    } catch (err) {
      const e = toFlightdeckError(err);
      return { ok: false, status: 'error', error: { code: e.code, message: e.message }, timingMs: performance.now() - t0 };
    }
  },
  async recost(plan) {
    if (!commit) throw new FlightdeckError('protocol-error', 'recost before hello');
    if (typeof plan !== 'object' || plan === null || typeof (plan as { kind?: unknown }).kind !== 'string') {
      throw new FlightdeckError('usage-error', 'recost needs a plan in the reference IR (an object with a "kind")');
    }
    const est = commit.annotate(plan as Plan, commit.catalog).est;
    if (!est || !Number.isFinite(est.cost)) throw new FlightdeckError('internal-error', 'the estimator gave no cost for the plan');
    return { cost: est.cost, rows: est.rows };
  },
  close() {},
});
