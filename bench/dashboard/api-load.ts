/**
 * The outcomes API under load: `connections` concurrent clients on loopback
 * (autocannon, one process) asking `GET /api/runs/<id>/outcomes` pages for
 * `seconds` seconds, each request the next of a fixed mix of filters
 * (verdict, table, rule, none), sorts (every sortable column, both
 * directions) and offsets (first page to deep pages). Latency percentiles
 * are computed from every response's own time (autocannon's summary has no
 * p95), over the requests answered within the time; the ones still in
 * flight at the end (one per client) are counted apart. The run must be long
 * enough for every client to be answered a few times. The text search is left out of the mix: it scans the templates'
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
  /** requests in flight when the time was up (one per client in a closed loop; autocannon drops them) */
  readonly inFlight: number;
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
  // the requests in flight at the end started in the last moments, behind the same queue as the answered ones: left out, as autocannon does
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Infinity;
  return { requests: sorted.length, rps: sorted.length / seconds, p50: pct(50), p95: pct(95), p99: pct(99), inFlight: Math.max(0, next - sorted.length), non2xx: result.non2xx, errors: result.errors };
}
