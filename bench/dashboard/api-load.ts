/**
 * The outcomes API under load: `connections` concurrent clients on loopback
 * (autocannon, one process) asking `GET /api/runs/<id>/outcomes` pages for
 * `seconds` seconds, each request the next of a fixed mix of filters
 * (verdict, table, rule, none), sorts (every sortable column, both
 * directions) and offsets (first page to deep pages). Latency percentiles
 * are computed from every response's own time (autocannon's summary has no
 * p95); requests still unanswered when the time is up count as slower than
 * all (∞), so a percentile that falls among them prints as ∞. The text search is left out of the mix: it scans the templates'
 * SQL and is measured on its own in the browser (templates-page.ts).
 */
import autocannon from 'autocannon';
import { OUTCOME_SORTS } from '../../store/outcome-query.ts';

export interface LoadFigures {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** requests started but not answered when the time was up (autocannon drops them; slower than any answered) */
  readonly unanswered: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** the request mix: filter × sort × order × offset, spread so neighbours differ */
export function outcomePaths(runId: string, total: number, filters: readonly string[]): string[] {
  const sorts = Object.keys(OUTCOME_SORTS);
  const offsets = [0, 50, 500, Math.floor(total / 4 / 50) * 50, Math.floor(total / 2 / 50) * 50];
  const paths: string[] = [];
  let i = 0;
  for (const filter of filters)
    for (const sort of sorts)
      for (const order of ['desc', 'asc'])
        paths.push(`/api/runs/${encodeURIComponent(runId)}/outcomes?${filter ? `${filter}&` : ''}sort=${sort}&order=${order}&limit=50&offset=${offsets[i++ % offsets.length]}`);
  // a fixed shuffle (stride coprime with the length), so consecutive requests ask different things
  const stride = [7, 11, 13, 17].find((s) => paths.length % s !== 0)!;
  return paths.map((_, k) => paths[(k * stride) % paths.length]!);
}

export async function loadOutcomes(url: string, token: string, paths: readonly string[], connections = 50, seconds = 10): Promise<LoadFigures> {
  const latencies: number[] = [];
  let next = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        headers: { authorization: `Bearer ${token}` },
        requests: [{ method: 'GET', path: paths[0]!, setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
      },
      (err, r) => (err ? reject(err as Error) : resolve(r)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const sorted = latencies.toSorted((a, b) => a - b);
  // the unanswered are slower than every answered one: count them in at the top, so the percentiles are lower bounds, never flattered
  const unanswered = Math.max(0, next - sorted.length);
  const all = [...sorted, ...Array<number>(unanswered).fill(Infinity)];
  const pct = (p: number) => all[Math.min(all.length - 1, Math.floor((p / 100) * all.length))] ?? Infinity;
  return { requests: sorted.length, rps: sorted.length / seconds, p50: pct(50), p95: pct(95), p99: pct(99), unanswered, non2xx: result.non2xx, errors: result.errors };
}
