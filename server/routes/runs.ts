/**
 * Runs and what they hold: the runs list with counts by verdict, one run's
 * overview, its outcomes (filtered, sorted, paged) and their facet counts,
 * one template's detail with its plan diff view. Starting a run is in
 * start-run.ts.
 */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../access.ts';
import { notFound, parseInput } from '../api-error.ts';
import type { Facets, OutcomeSummary, Page, RunSummary, TemplateDetail } from '../api-types.ts';
import type { ServerContext } from '../context.ts';
import { buildPlanDiffView } from '../plan-view.ts';
import { runOverview, runSummary } from '../run-view.ts';
import { shownFlight, shownOutcome, shownTemplate } from '../shown-data.ts';
import { FacetsQuery, OutcomesQuery, RunParams, RunsQuery, TemplateParams } from '../schemas.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export function registerRunRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store, tokens, cache, outcomes } = ctx;
  /** a cached answer about the run, 404 when there is no such run */
  const cached = async <T>(runId: string, key: string, compute: () => Promise<T>): Promise<T> => {
    const value = await cache.get(runId, key, compute);
    if (value === null) throw notFound(`no run '${runId}' in the store`);
    return value;
  };

  const getRun = async (id: string) => {
    const run = await store.getRun(id);
    if (!run) throw notFound(`no run '${id}' in the store`);
    return run;
  };

  app.get('/api/runs', async (req): Promise<Page<RunSummary>> => {
    requireRole(tokens, req, 'viewer');
    const q = parseInput('query', RunsQuery, req.query);
    const all = (await store.listRuns()).filter((r) => (!q.kind || r.kind === q.kind) && (!q.status || r.status === q.status));
    const page = all.slice(q.offset, q.offset + q.limit);
    const counts = await store.verdictCounts(page.map((r) => r.id));
    const now = Date.now();
    return { total: all.length, limit: q.limit, offset: q.offset, rows: page.map((r) => runSummary(r, counts.get(r.id) ?? [], now)) };
  });

  app.get('/api/runs/:run', async (req) => {
    requireRole(tokens, req, 'viewer');
    const { run } = parseInput('params', RunParams, req.params);
    return cached(run, 'overview', async () => runOverview(store, outcomes, await getRun(run)));
  });

  // pages and facets are kept serialized: one asked again (the same page for many readers) is sent as kept
  app.get('/api/runs/:run/outcomes', async (req, reply) => {
    requireRole(tokens, req, 'viewer');
    const { run } = parseInput('params', RunParams, req.params);
    const q = parseInput('query', OutcomesQuery, req.query);
    const query = { runId: run, ...filters(q), sort: q.sort, order: q.order, limit: q.limit, offset: q.offset };
    const body = await cached(run, `outcomes ${JSON.stringify(query)}`, async () => {
      const page = await outcomes.page(query);
      return JSON.stringify({ total: page.total, limit: q.limit, offset: q.offset, rows: page.rows } satisfies Page<OutcomeSummary>);
    });
    return reply.type(JSON_TYPE).send(body);
  });

  app.get('/api/runs/:run/facets', async (req, reply) => {
    requireRole(tokens, req, 'viewer');
    const { run } = parseInput('params', RunParams, req.params);
    const q = parseInput('query', FacetsQuery, req.query);
    const f = { runId: run, ...filters(q) };
    // each facet counts under the other filters, so picking a verdict does not hide the other verdicts
    const without = (k: 'verdicts' | 'cluster' | 'table' | 'rule') => ({ ...f, [k]: undefined });
    const body = await cached(run, `facets ${JSON.stringify(f)}`, async () =>
      JSON.stringify({
        verdict: await outcomes.facet('verdict', without('verdicts')),
        cluster: await outcomes.facet('cluster', without('cluster')),
        table: await outcomes.facet('table', without('table')),
        rule: await outcomes.facet('rule', without('rule')),
      } satisfies Facets),
    );
    return reply.type(JSON_TYPE).send(body);
  });

  app.get('/api/runs/:run/templates/:fp', async (req): Promise<TemplateDetail> => {
    requireRole(tokens, req, 'viewer');
    const { run: runId, fp } = parseInput('params', TemplateParams, req.params);
    const run = await getRun(runId);
    const outcome = await store.getOutcome(runId, fp);
    if (!outcome) throw notFound(`no template '${fp}' in run ${runId}`);
    const [template] = await store.getTemplates(run.workload, [fp]);
    // only masked data leaves the server (shown-data.ts): the same choice the templates pages make
    const masked = (await store.runWorkload(runId))?.text === 'sql';
    const flight = shownFlight(run.kind === 'flight' ? await store.getFlightResult(runId, fp) : null, run.options.allowUnmasked === true);
    const shown = shownOutcome(outcome, masked);
    const cluster = outcome.signature ? await store.getCluster(runId, outcome.signature) : null;
    const approval = outcome.headPlanHash ? await store.getApproval(fp, outcome.headPlanHash, outcome.verdict) : null;
    const verdicts = await cached(runId, 'verdicts', async () => (await store.verdictCounts([runId])).get(runId) ?? []);
    return {
      runId,
      run: runSummary(run, verdicts),
      template: template ? shownTemplate(template, masked) : null,
      outcome: shown,
      plans: buildPlanDiffView(shown, flight),
      cluster,
      flight,
      approval: approval ? { by: approval.approvedBy, why: approval.why, at: approval.approvedAt } : null,
    };
  });
}

function filters(q: { verdict?: string[]; cluster?: string; table?: string; rule?: string; q?: string }) {
  return {
    ...(q.verdict?.length ? { verdicts: q.verdict } : {}),
    ...(q.cluster ? { cluster: q.cluster } : {}),
    ...(q.table ? { table: q.table } : {}),
    ...(q.rule ? { rule: q.rule } : {}),
    ...(q.q ? { text: q.q } : {}),
  };
}

