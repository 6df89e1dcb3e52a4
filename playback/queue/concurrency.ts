/**
 * How many worker slots to run. Each slot keeps a base and a head build
 * process and compiles one query at a time, so more slots than cores only
 * adds processes that wait for a CPU (64 slots on 2 cores started 128 build
 * processes and ran 2.7× slower than 2). A request above the core count is
 * capped with a warning, unless the user says the builds mostly wait (a
 * `command` build calling a remote service) with `oversubscribe`.
 */
import { availableParallelism } from 'node:os';

export interface SlotCount {
  readonly concurrency: number;
  /** set when the request was capped or is above the core count */
  readonly warning?: string;
}

export function resolveConcurrency(requested: number | undefined, options: { oversubscribe?: boolean; cores?: number } = {}): SlotCount {
  const cores = Math.max(1, options.cores ?? availableParallelism());
  if (requested === undefined) return { concurrency: cores };
  const n = Math.max(1, Math.floor(requested));
  if (n <= cores) return { concurrency: n };
  const coresText = `${cores} core${cores === 1 ? '' : 's'}`;
  if (options.oversubscribe) {
    return { concurrency: n, warning: `--concurrency ${n} is above the ${coresText} here (--oversubscribe): ${2 * n} build processes will share them` };
  }
  return {
    concurrency: cores,
    warning: `--concurrency ${n} is above the ${coresText} here; using ${cores} (each slot runs 2 build processes, more slots only wait for a CPU). ` +
      `Pass --oversubscribe to use ${n} anyway, e.g. for command builds that wait on a remote service`,
  };
}
