/**
 * A store with big plans, for the plan-diff benchmark: a few queries, each a
 * UNION ALL of 26–33 joined `shop` queries (four tables per branch), written
 * to a log, imported, and played back through base `reference` and head
 * `reference#heuristic` (which reorders the joins, so the plans differ) over
 * a small shop catalog — a real playback, so the outcome, its diff and its
 * plans are what a user would open.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntaxError } from '../../compiler/parse/parse.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { importLogs } from '../../corpus/templates/import.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { startPlayback } from '../../playback/run-playback.ts';
import { MAX_STRUCTURAL_NODES } from '../../playback/diff/plan-diff.ts';
import { Store } from '../../store/store.ts';

const SEGMENTS = ['vip', 'retail', 'business'];
const METHODS = ['card', 'paypal', 'invoice'];

/** branch j of a union: four tables joined, a predicate on each side */
function branch(j: number): string {
  switch (j % 3) {
    case 0:
      return `SELECT o.order_id, i.unit_price FROM orders o JOIN order_items i ON i.order_id = o.order_id JOIN products p ON p.product_id = i.product_id JOIN customers cu ON cu.customer_id = o.customer_id WHERE p.price > ${10 + j} AND cu.segment = '${SEGMENTS[j % 3]}'`;
    case 1:
      return `SELECT o.order_id, pa.amount FROM payments pa JOIN orders o ON o.order_id = pa.order_id JOIN customers cu ON cu.customer_id = o.customer_id JOIN order_items i ON i.order_id = o.order_id WHERE pa.method = '${METHODS[j % 3]}' AND i.quantity > ${j % 5}`;
    default:
      return `SELECT cu.customer_id, sum(i.unit_price) FROM customers cu JOIN orders o ON o.customer_id = cu.customer_id JOIN order_items i ON i.order_id = o.order_id JOIN products p ON p.product_id = i.product_id WHERE p.category = 'books' AND o.total > ${j} GROUP BY cu.customer_id`;
  }
}

export const unionQuery = (branches: number): string => Array.from({ length: branches }, (_, j) => branch(j)).join(' UNION ALL ');

export interface BigPlanStore {
  readonly storePath: string;
  readonly runId: string;
  /** the changed outcome with the largest plans that still get a structural diff */
  readonly fingerprint: string;
}

export async function buildBigPlanStore(dir: string): Promise<BigPlanStore> {
  const { dbPath: catalogPath } = await generateShop({ scale: 0.001, outDir: dir });
  const logPath = join(dir, 'unions.jsonl');
  const ts = Date.parse('2026-11-01T00:00:00Z');
  writeFileSync(logPath, [26, 30, 33].map((n, k) => `${JSON.stringify({ sql: unionQuery(n), ts: new Date(ts + k * 1000).toISOString(), user: 'bench', project: 'reporting', duration_ms: 100, status: 'ok' })}\n`).join(''));
  const storePath = join(dir, 'store.duckdb');
  const store = await Store.open(storePath);
  try {
    await store.saveImport('unions', await importLogs([logPath], { validate: syntaxError }));
    const queue = new LocalQueue();
    const { runId } = await startPlayback(store, queue, { workload: 'unions', catalogPath, baseSpec: 'reference', headSpec: 'reference#heuristic' });
    await queue.close();
    const changed = (await store.getOutcomes(runId)).filter((o) => o.basePlanHash !== o.headPlanHash && o.baseSimplified && o.headSimplified);
    if (!changed.length) throw new Error(`the playback of the unions (run ${runId}) changed no plan: the benchmark needs a plan diff`);
    // the biggest whose diff is structural (the playback diffs plans up to MAX_STRUCTURAL_NODES operators; larger ones get a text diff only)
    const structural = [];
    for (const o of changed) if ((await store.getDiff(runId, o.fingerprint))?.edits.length) structural.push(o);
    const size = (o: (typeof changed)[number]) => (o.baseExplain ?? o.baseSimplified!).split('\n').length + (o.headExplain ?? o.headSimplified!).split('\n').length;
    const biggest = structural.toSorted((a, b) => size(b) - size(a))[0];
    if (!biggest) throw new Error(`no plan of run ${runId} got a structural diff (over ${MAX_STRUCTURAL_NODES} operators?): make the unions smaller`);
    return { storePath, runId, fingerprint: biggest.fingerprint };
  } finally {
    await store.close();
  }
}
