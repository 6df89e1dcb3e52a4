/**
 * Tasks run on several connections of one DuckDB instance at once. DuckDB
 * runs a statement over fewer than 122,880 rows (one row group) on one
 * thread, and builds a primary key's index on one; a second connection keeps
 * the other core busy meanwhile. Each free connection takes, of the tasks
 * whose `after` tasks are done, the one heading the longest chain of work
 * still to do (its cost plus that of the costliest chain waiting for it: a
 * critical-path list schedule), ties in the given order; so the tasks that
 * gate the large tables start first and the last to finish are short. A
 * task waiting for several counts them all in its chain: a table that
 * reads six lookups starts only after the six, so each of them heads the
 * six's work plus the table's, not its own alone. After
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
  /** to start, with the tasks it waits for, before any task not urgent (ranked among themselves as the others are) */
  readonly urgent?: boolean;
  run(db: Database): Promise<void>;
}

export async function runConcurrently(dbs: readonly Database[], tasks: readonly Task[]): Promise<void> {
  const ids = new Set(tasks.map((t) => t.id));
  for (const t of tasks) for (const a of t.after) if (!ids.has(a)) throw new Error(`task ${t.id} waits for an unknown task ${a}`);
  const rank = chainCosts(tasks);
  const urgent = urgentTasks(tasks);
  const queue = tasks.map((t, i) => ({ t, i, u: urgent.has(t.id) ? 1 : 0 }))
    .toSorted((a, b) => b.u - a.u || rank.get(b.t.id)! - rank.get(a.t.id)! || a.i - b.i).map(({ t }) => t);
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

/**
 * Each task's cost plus the costliest chain of tasks waiting for it, a
 * task's chain including the cost of the other tasks it waits for (a cycle
 * counts once: the run reports it)
 */
function chainCosts(tasks: readonly Task[]): Map<string, number> {
  const waitingFor = new Map<string, Task[]>();
  for (const t of tasks) for (const a of t.after) waitingFor.set(a, [...(waitingFor.get(a) ?? []), t]);
  const costOf = new Map(tasks.map((t) => [t.id, t.cost ?? 0]));
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const chain = (t: Task): number => {
    const known = rank.get(t.id);
    if (known !== undefined) return known;
    if (visiting.has(t.id)) return 0;
    visiting.add(t.id);
    const r = (t.cost ?? 0) + Math.max(0, ...(waitingFor.get(t.id) ?? []).map((d) => chain(d) + d.after.reduce((n, a) => n + (a === t.id ? 0 : costOf.get(a) ?? 0), 0)));
    visiting.delete(t.id);
    rank.set(t.id, r);
    return r;
  };
  for (const t of tasks) chain(t);
  return rank;
}

/** the urgent tasks and every task they wait for, directly or not */
function urgentTasks(tasks: readonly Task[]): Set<string> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const urgent = new Set<string>();
  const mark = (id: string): void => {
    if (urgent.has(id)) return;
    urgent.add(id);
    for (const a of byId.get(id)?.after ?? []) mark(a);
  };
  for (const t of tasks) if (t.urgent) mark(t.id);
  return urgent;
}
