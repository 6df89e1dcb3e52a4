/**
 * The worker thread behind parser-check.ts: answers `{ id, sql }` with
 * `{ id, problem }` (syntaxError of compiler/parse), one at a time. Says
 * `{ ready: true }` once loaded, so start-up does not count against a check's
 * deadline.
 */
import { parentPort } from 'node:worker_threads';
import { syntaxError } from '../../compiler/parse/parse.ts';

parentPort!.on('message', (m: { id: number; sql: string }) => {
  let problem: string | null;
  try {
    problem = syntaxError(m.sql);
  } catch (err) {
    problem = `our parser failed on this query: ${err instanceof Error ? err.message : String(err)}`;
  }
  parentPort!.postMessage({ id: m.id, problem });
});

parentPort!.postMessage({ ready: true });
