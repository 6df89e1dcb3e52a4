/**
 * The import's check of each new template with our parser, with a deadline.
 *
 * node-sql-parser is synchronous and, for some shapes, exponential: it is a
 * PEG parser without memoisation, and its PostgreSQL grammar reads a select
 * list item as `expr_item :: type` before `expr_item`, so each scalar
 * subquery in a select list is parsed again on the way back, at every level
 * (`select (select (…) from t) from t` doubles, or worse, per level: 8
 * levels ≈ 1 s, 10 ≈ 6 s, 20 ≈ days). A time limit on a synchronous call
 * needs another thread: the check runs in a worker thread, which is
 * terminated when a check passes its deadline (and replaced for the next).
 * The template is then kept and flagged like any other our parser cannot
 * read: other builds may compile it; playback's build timeout bounds the
 * reference build. Reading the log goes on while the worker parses.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlightdeckError } from '../../compiler/errors.ts';

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;
const WORKER_HEAP_MB = 1024;

export interface ParserCheck {
  /** the syntax problem of `sql` for our parser, null when it reads it; rejects only if the worker itself fails */
  check(sql: string): Promise<string | null>;
  /** stop the worker (pending checks answer null) */
  close(): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly sql: string;
  readonly resolve: (problem: string | null) => void;
  readonly reject: (err: Error) => void;
}

/** The worker's file next to this one, with this file's extension (.ts under tsx, .js when built). */
const WORKER_URL = new URL(`./parser-check-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A .js worker starts as it is; a .ts one through tsx's loader, registered inside the worker (loaders do not carry over). */
function workerBootstrap(): { code: string; eval: true } | null {
  if (!WORKER_URL.pathname.endsWith('.ts')) return null;
  const tsx = import.meta.resolve('tsx/esm/api');
  return { code: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, eval: true };
}

export function createParserCheck(options: { timeoutMs?: number } = {}): ParserCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const queue: Job[] = [];
  let worker: Worker | null = null;
  let ready = false;
  let current: Job | null = null;
  let timer: NodeJS.Timeout | null = null;
  let nextId = 1;
  let closed = false;

  const start = (): Worker => {
    const boot = workerBootstrap();
    // a heap limit of its own: a huge query exhausts the worker, not the import
    const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
    const w = boot ? new Worker(boot.code, { eval: true, resourceLimits }) : new Worker(WORKER_URL, { resourceLimits });
    w.on('message', (m: { id: number; problem: string | null } | { ready: true }) => {
      if (worker !== w) return;
      if ('ready' in m) {
        ready = true;
        send();
        return;
      }
      if (current?.id !== m.id) return;
      settle(m.problem);
    });
    w.on('error', (err) => {
      if (worker !== w) return;
      worker = null;
      // failing to start is our problem; failing on a query (out of memory) is the query's
      if (!ready) fail(new FlightdeckError('internal-error', `the parser check's worker failed to start: ${err.message}`, { cause: err }));
      else settle(`our parser failed on this query: ${err.message}`);
    });
    return w;
  };

  const settle = (problem: string | null) => {
    if (timer) clearTimeout(timer);
    timer = null;
    const job = current;
    current = null;
    job?.resolve(problem);
    pump();
  };

  const fail = (err: Error) => {
    if (timer) clearTimeout(timer);
    timer = null;
    const job = current;
    current = null;
    job?.reject(err);
    pump();
  };

  const pump = () => {
    if (current || closed) return;
    const job = queue.shift();
    if (!job) return;
    current = job;
    if (!worker) {
      ready = false;
      worker = start();
    }
    send();
  };

  /** hand the current job to a ready worker and start its deadline */
  const send = () => {
    if (!current || !worker || !ready || timer) return;
    worker.postMessage({ id: current.id, sql: current.sql });
    timer = setTimeout(() => {
      // the only way to stop a synchronous parse: end its thread; the next check starts a new one
      const stuck = worker;
      worker = null;
      ready = false;
      void stuck?.terminate();
      settle(`our parser gave up after ${timeoutMs / 1000} s (it backtracks exponentially on some shapes, such as scalar subqueries nested in select lists); raise --check-timeout to wait longer`);
    }, timeoutMs);
  };

  return {
    check(sql) {
      if (closed) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, sql, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      current?.resolve(null);
      for (const job of queue.splice(0)) job.resolve(null);
      current = null;
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
