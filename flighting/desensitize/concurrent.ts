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
 * six's work plus the table's, not its own alone (among the six, the
 * costliest first). Urgent tasks, and the tasks they wait for, are taken
 * before the others whenever they are ready. After a failure no task
 * starts; the running ones finish, then the first error is thrown.
 */
import type { Database } from '../../compiler/builds/duckdb-database.ts';

export interface Task {
  readonly id: string;
  /** ids of the tasks that must be done first */
  readonly after: readonly string[];
  /** the work it does, in any unit shared by the tasks of one run (default 0) */
  readonly cost?: number;
  /** preferred, with the tasks it waits for, to any ready task not urgent (ranked among themselves as the others are) */
  readonly urgent?: boolean;
  run(db: Database): Promise<void>;
}

export async function runConcurrently(dbs: readonly Database[], tasks: readonly Task[]): Promise<void> {
  const ids = new Set(tasks.map((t) => t.id));
  for (const t of tasks) for (const a of t.after) if (!ids.has(a)) throw new Error(`task ${t.id} waits for an unknown task ${a}`);
  const rank = chainCosts(tasks);
  const urgent = urgentTasks(tasks);
  const queue = tasks.map((t, i) => ({ t, i, u: urgent.has(t.id) ? 1 : 0 }))
    .toSorted((a, b) => b.u - a.u || rank.get(b.t.id)!.joint - rank.get(a.t.id)!.joint || rank.get(b.t.id)!.own - rank.get(a.t.id)!.own || a.i - b.i)
    .map(({ t }) => t);
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
 * Two ranks per task (a cycle counts once: the run reports it):
 * - `joint`: its cost plus the costliest chain of tasks waiting for it, a
 *   task's chain including the cost of the other tasks it waits for (those
 *   neither before nor after this one: an input reached through another is
 *   counted there);
 * - `own`: its cost plus the costliest chain waiting for it alone (the
 *   classic critical path), which orders the inputs of one task among
 *   themselves (their joint ranks are equal): the costliest first.
 */
function chainCosts(tasks: readonly Task[]): Map<string, { joint: number; own: number }> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const waitingFor = new Map<string, Task[]>();
  for (const t of tasks) for (const a of t.after) waitingFor.set(a, [...(waitingFor.get(a) ?? []), t]);
  const before = new Map<string, Set<string>>();
  const inputs = (id: string, path = new Set<string>()): Set<string> => {
    const known = before.get(id);
    if (known) return known;
    const all = new Set<string>();
    path.add(id);
    for (const a of byId.get(id)?.after ?? []) {
      if (path.has(a)) continue;
      all.add(a);
      for (const x of inputs(a, path)) all.add(x);
    }
    path.delete(id);
    before.set(id, all);
    return all;
  };
  const related = (x: string, y: string) => inputs(x).has(y) || inputs(y).has(x);
  const rank = new Map<string, { joint: number; own: number }>();
  const visiting = new Set<string>();
  const chain = (t: Task): { joint: number; own: number } => {
    const known = rank.get(t.id);
    if (known !== undefined) return known;
    if (visiting.has(t.id)) return { joint: 0, own: 0 };
    visiting.add(t.id);
    let joint = 0;
    let own = 0;
    for (const d of waitingFor.get(t.id) ?? []) {
      const c = chain(d);
      const others = d.after.reduce((n, a) => n + (a === t.id || related(a, t.id) ? 0 : byId.get(a)?.cost ?? 0), 0);
      joint = Math.max(joint, c.joint + others);
      own = Math.max(own, c.own);
    }
    visiting.delete(t.id);
    const r = { joint: (t.cost ?? 0) + joint, own: (t.cost ?? 0) + own };
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
