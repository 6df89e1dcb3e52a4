/**
 * Tasks run on several connections of one DuckDB instance at once. DuckDB
 * runs a statement over fewer than 122,880 rows (one row group) on one
 * thread, and builds a primary key's index on one; a second connection keeps
 * the other core busy meanwhile. Each free connection takes the first task, in
 * the given order, whose `after` tasks are done. After a failure no task
 * starts; the running ones finish, then the first error is thrown.
 */
import type { Database } from '../../compiler/builds/duckdb-database.ts';

export interface Task {
  readonly id: string;
  /** ids of the tasks that must be done first */
  readonly after: readonly string[];
  run(db: Database): Promise<void>;
}

export async function runConcurrently(dbs: readonly Database[], tasks: readonly Task[]): Promise<void> {
  const ids = new Set(tasks.map((t) => t.id));
  for (const t of tasks) for (const a of t.after) if (!ids.has(a)) throw new Error(`task ${t.id} waits for an unknown task ${a}`);
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
    while (!failure && started.size < tasks.length) {
      const next = tasks.find((t) => !started.has(t.id) && t.after.every((a) => done.has(a)));
      if (!next) {
        if (running === 0) failure = { error: new Error(`tasks wait for each other: ${tasks.filter((t) => !started.has(t.id)).map((t) => t.id).join(', ')}`) };
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
