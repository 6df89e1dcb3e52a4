/**
 * Tasks run on several connections of one DuckDB instance at once. DuckDB
 * runs a statement over fewer than 122,880 rows (one row group) on one
 * thread, and builds a primary key's index on one; a second connection keeps
 * the other core busy meanwhile. Each free connection takes, of the tasks
 * whose `after` tasks are done, the one heading the longest chain of work
 * still to do (its cost plus that of the costliest chain waiting for it: a
 * critical-path list schedule), ties in the given order; so the tasks that
 * gate the large tables start first and the last to finish are short. After
 * a failure no task starts; the running ones finish, then the first error is
 * thrown.
 */
import type { Database } from '../../compiler/builds/duckdb-database.ts';

export interface Task {
  readonly id: string;
  /** ids of the tasks that must be done first */
  readonly after: readonly string[];
  /** the work it does, in any unit shared by the tasks of one run (default 0) */
  readonly cost?: number;
  run(db: Database): Promise<void>;
}

export async function runConcurrently(dbs: readonly Database[], tasks: readonly Task[]): Promise<void> {
  const ids = new Set(tasks.map((t) => t.id));
  for (const t of tasks) for (const a of t.after) if (!ids.has(a)) throw new Error(`task ${t.id} waits for an unknown task ${a}`);
  const rank = chainCosts(tasks);
  const queue = tasks.map((t, i) => ({ t, i })).toSorted((a, b) => rank.get(b.t.id)! - rank.get(a.t.id)! || a.i - b.i).map(({ t }) => t);
  const started = new Set<string>();
  const done = new Set<string>();
  let running = 0;
  let failure: { error: unknown } | null = null;
  let waiting: (() => void)[] = [];
  const wakeAll = () => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };
  const work = async (db: Database): Promise<void> => {
    while (!failure && started.size < queue.length) {
      const next = queue.find((t) => !started.has(t.id) && t.after.every((a) => done.has(a)));
      if (!next) {
        if (running === 0) failure = { error: new Error(`tasks wait for each other: ${queue.filter((t) => !started.has(t.id)).map((t) => t.id).join(', ')}`) };
        else await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      started.add(next.id);
      running++;
      try {
        await next.run(db);
        done.add(next.id);
      } catch (error) {
        failure ??= { error };
      } finally {
        running--;
        wakeAll();
      }
    }
    wakeAll();
  };
  await Promise.all(dbs.map(work));
  if (failure) throw (failure as { error: unknown }).error;
}

/** each task's cost plus the costliest chain of tasks waiting for it (a cycle counts once: the run reports it) */
function chainCosts(tasks: readonly Task[]): Map<string, number> {
  const waitingFor = new Map<string, Task[]>();
  for (const t of tasks) for (const a of t.after) waitingFor.set(a, [...(waitingFor.get(a) ?? []), t]);
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const chain = (t: Task): number => {
    const known = rank.get(t.id);
    if (known !== undefined) return known;
    if (visiting.has(t.id)) return 0;
    visiting.add(t.id);
    const r = (t.cost ?? 0) + Math.max(0, ...(waitingFor.get(t.id) ?? []).map(chain));
    visiting.delete(t.id);
    rank.set(t.id, r);
    return r;
  };
  for (const t of tasks) chain(t);
  return rank;
}
