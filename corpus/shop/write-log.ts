/**
 * A realistic `shop` production log, as JSON lines (flightdeck's native
 * format): query shapes with Zipf-like frequencies (a few shapes dominate,
 * a long tail runs rarely), varied literals and IN-list lengths, cosmetic
 * variation (comments, newlines, semicolons), some DML, some
 * non-deterministic queries, and some broken lines. Deterministic for a
 * seed; streams, so a 1,000,000-line log never sits in memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng, QUERY_SHAPES, type QueryShape, type Rng } from './query-templates.ts';

export interface ShopLogStats {
  readonly lines: number;
  readonly broken: number;
  readonly dml: number;
  readonly byShape: Readonly<Record<string, number>>;
}

const USERS: Record<QueryShape['project'], readonly string[]> = {
  checkout: ['checkout-svc', 'checkout-svc', 'cart-svc'],
  support: ['support-ana', 'support-bo', 'crm-svc'],
  reporting: ['bi-reporter', 'analyst-chen', 'analyst-dara', 'analyst-emil'],
  marketing: ['mkt-priya', 'mkt-liam', 'campaign-svc'],
  fraud: ['fraud-svc', 'risk-omar'],
  etl: ['etl-nightly', 'etl-hourly'],
};

/** lower runs first in a phased release: batch work first, customer-facing last */
export const PROJECT_PRIORITY: Record<QueryShape['project'], number> = { etl: 3, marketing: 3, reporting: 2, fraud: 2, support: 1, checkout: 1 };

const START = Date.parse('2026-11-01T00:00:00Z');

/** Zipf weights over the shapes in an order fixed by the seed. */
function shapeSampler(rng: Rng): (u: number) => QueryShape {
  const order = [...QUERY_SHAPES];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const weights = order.map((_, i) => 1 / Math.pow(i + 1, 1.1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  return (u) => {
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return order[lo]!;
  };
}

function vary(rng: Rng, sql: string, project: string): string {
  let s = sql;
  const u = rng.next();
  if (u < 0.35) s = s.replace(/\n\s*/g, ' ');
  if (rng.next() < 0.1) s = `/* app=${project} */ ${s}`;
  if (rng.next() < 0.3) s += ';';
  if (rng.next() < 0.05) s = `  ${s}\n`;
  return s;
}

function brokenLine(rng: Rng, ts: string, sql: string): string {
  switch (rng.int(0, 3)) {
    case 0:
      return JSON.stringify({ sql, ts }).slice(0, 40); // truncated write
    case 1:
      return JSON.stringify({ ts, user: 'etl-hourly', duration_ms: 1 }); // no sql
    case 2:
      return JSON.stringify({ sql: sql.replace(/^(\s*(\/\*.*?\*\/\s*)?)SELECT|^(\s*)select/i, '$1SELEC'), ts, user: 'analyst-chen', project: 'reporting', duration_ms: 0, status: 'error', priority: 2 });
    default:
      return JSON.stringify({ sql: `SELECT * FROM customers WHERE last_name = 'O'Hara`, ts, user: 'support-bo', project: 'support', duration_ms: 0, status: 'error', priority: 1 });
  }
}

export async function writeShopLog(options: { path: string; lines: number; seed?: number; brokenRate?: number }): Promise<ShopLogStats> {
  const rng = createRng(options.seed ?? 1);
  const sample = shapeSampler(rng);
  const brokenRate = options.brokenRate ?? 0.002;
  const out = createWriteStream(options.path, { encoding: 'utf8' });
  const byShape: Record<string, number> = {};
  let broken = 0;
  let dml = 0;
  let buf = '';
  for (let i = 0; i < options.lines; i++) {
    const shape = sample(rng.next());
    const ts = new Date(START + i * 87 + rng.int(0, 80)).toISOString();
    const sql = vary(rng, shape.sql(rng), shape.project);
    let line: string;
    if (rng.next() < brokenRate) {
      line = brokenLine(rng, ts, sql);
      broken++;
    } else {
      byShape[shape.name] = (byShape[shape.name] ?? 0) + 1;
      if (shape.kind === 'dml') dml++;
      // log-normal spread around the shape's typical duration (Box–Muller)
      const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      const durationMs = Math.round(shape.baseMs * Math.exp(0.5 * z) * 1000) / 1000;
      line = JSON.stringify({
        sql, ts, user: rng.pick(USERS[shape.project]), project: shape.project, duration_ms: durationMs,
        status: rng.next() < 0.004 ? 'error' : 'ok', priority: PROJECT_PRIORITY[shape.project],
      });
    }
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return { lines: options.lines, broken, dml, byShape };
}
