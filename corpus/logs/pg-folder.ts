/**
 * The logs to read, in the order to read them, from what the user named: a
 * folder's log files (PostgreSQL's `postgresql-*.log`, `*.csv`, rotated
 * `.1`, `.2.gz`, …) are read in time order — by the first timestamp inside
 * each, else by modification time, then rotation suffix — and so are
 * PostgreSQL logs of one format named one by one (a shell glob
 * `postgresql-*.log`): each such set is one server's log, read through one
 * session joiner (its `groups`). When a server wrote the same log
 * twice (`log_destination = 'stderr,csvlog'`), only one copy is read: the
 * csvlog (it has the session and application columns), unless `--format`
 * picks the stderr one. Every count would double otherwise.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { LOG_FILE_NAME, readLogHead, type ReadLogOptions } from './read-log.ts';
import { STDIN } from './source.ts';
import type { LogFormat } from './types.ts';


export interface PlannedLog {
  readonly path: string;
  /** the format sniffed from its head; undefined when it cannot be told (reading it reports why) */
  readonly format?: LogFormat;
  /** the first timestamp in the log, as epoch milliseconds */
  readonly firstTime?: number;
}

export interface LogPlan {
  readonly logs: readonly string[];
  /** one line each: copies skipped */
  readonly warnings: readonly string[];
  /** the logs read as one server's (one folder's, or PostgreSQL logs of one format named one by one): path → group; a log not in it is read alone */
  readonly groups: ReadonlyMap<string, string>;
}

/** A PostgreSQL timestamp (`2024-03-01 10:00:00.123 UTC`, `… +02`, `… -03:30`) as epoch ms, or undefined. */
export function parsePgTime(text: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?: ?([+-]\d\d)(?::?(\d\d))?| ([A-Za-z]{1,5}))?/.exec(text);
  if (!m) return undefined;
  const zone = m[3] ? `${m[3]}:${m[4] ?? '00'}` : m[5] && m[5] !== 'UTC' && m[5] !== 'GMT' ? '' : 'Z';
  const t = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Order the logs of one folder (or the files named) and drop the second copy
 * of a server's log. `logs` are files, in the order expandLogPath gave them.
 */
export async function planLogs(logs: readonly string[], options: ReadLogOptions, fromFolder: ReadonlySet<string>): Promise<LogPlan> {
  if (logs.length < 2) return { logs, warnings: [], groups: new Map(logs.filter((l) => fromFolder.has(l)).map((l) => [l, `folder:${dirname(l)}`])) };
  const planned: PlannedLog[] = [];
  for (const path of logs) planned.push(path === STDIN ? { path } : await sniff(path, options));
  // a folder's logs are one group; PostgreSQL logs named one by one, one group per format when there are several
  const groupOf = new Map<string, string>();
  const named = new Map<string, number>();
  for (const p of planned) if (!fromFolder.has(p.path) && isPgLog(p)) named.set(p.format!, (named.get(p.format!) ?? 0) + 1);
  for (const p of planned) {
    if (fromFolder.has(p.path)) groupOf.set(p.path, `folder:${dirname(p.path)}`);
    else if (isPgLog(p) && named.get(p.format!)! > 1) groupOf.set(p.path, `named:${p.format}`);
  }
  // time order within each group; other files keep the order given
  const byGroup = new Map<string, PlannedLog[]>();
  for (const p of planned) {
    const g = groupOf.get(p.path);
    if (g !== undefined) byGroup.set(g, [...(byGroup.get(g) ?? []), p]);
  }
  const mtimes = new Map<string, number>();
  for (const list of byGroup.values()) {
    for (const p of list) if (p.firstTime === undefined) mtimes.set(p.path, (await stat(p.path)).mtimeMs);
    list.sort((a, b) => (a.firstTime ?? mtimes.get(a.path)!) - (b.firstTime ?? mtimes.get(b.path)!) || rotationOrder(a.path, b.path));
  }
  const ordered: PlannedLog[] = [];
  const placed = new Set<string>();
  for (const p of planned) {
    if (placed.has(p.path)) continue;
    const g = groupOf.get(p.path);
    for (const q of g !== undefined ? byGroup.get(g)! : [p]) {
      ordered.push(q);
      placed.add(q.path);
    }
  }
  const plan = dropCopies(ordered, options.format);
  return { ...plan, groups: new Map([...groupOf].filter(([path]) => plan.logs.includes(path))) };
}

function isPgLog(p: PlannedLog): boolean {
  return p.path !== STDIN && (p.format === 'pg-stderr' || p.format === 'pg-csvlog');
}

/**
 * csvlog and stderr logs of the same server: same name but for the
 * extension, or starting at the same second. Keep one format.
 */
function dropCopies(logs: readonly PlannedLog[], format: LogFormat | undefined): Omit<LogPlan, 'groups'> {
  const csv = logs.filter((l) => l.format === 'pg-csvlog');
  const stderr = logs.filter((l) => l.format === 'pg-stderr');
  if (!csv.length || !stderr.length) return { logs: logs.map((l) => l.path), warnings: [] };
  const stem = ({ path: p }: PlannedLog) => basename(p).replace(LOG_FILE_NAME, '') + '|' + dirname(p) + '|' + (/(?:[.-]\d+)*(?:\.gz)?$/i.exec(basename(p).replace(/\.gz$/i, ''))?.[0] ?? '');
  const second = (l: PlannedLog) => (l.firstTime === undefined ? undefined : Math.floor(l.firstTime / 1000));
  const csvStems = new Set(csv.map(stem));
  const csvSeconds = new Set<number | undefined>(csv.map(second).filter((s) => s !== undefined));
  const stderrStems = new Set(stderr.map(stem));
  const stderrSeconds = new Set<number | undefined>(stderr.map(second).filter((s) => s !== undefined));
  const keepStderr = format === 'pg-stderr';
  const copies = keepStderr
    ? csv.filter((l) => stderrStems.has(stem(l)) || (second(l) !== undefined && stderrSeconds.has(second(l))))
    : stderr.filter((l) => csvStems.has(stem(l)) || (second(l) !== undefined && csvSeconds.has(second(l))));
  if (!copies.length) return { logs: logs.map((l) => l.path), warnings: [] };
  const skipped = new Set(copies.map((c) => c.path));
  const names = copies.map((c) => basename(c.path));
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  const kept = keepStderr ? 'stderr' : 'csvlog';
  const other = keepStderr ? 'csvlog' : 'stderr';
  return {
    logs: logs.filter((l) => !skipped.has(l.path)).map((l) => l.path),
    warnings: [
      `warning: the ${other} and ${kept} logs of the same server were given (every query would count twice): reading the ${kept} copy, skipping ${copies.length} ${other} file${copies.length > 1 ? 's' : ''} (${shown})${keepStderr ? '' : '; pass --format pg-stderr to read the stderr copy instead'}`,
    ],
  };
}

/** `x.log` before `x.log.1`? No: rotation numbers count back in time, so `.2` comes before `.1` before none. */
function rotationOrder(a: string, b: string): number {
  return rotationNumber(b) - rotationNumber(a) || (a < b ? -1 : a > b ? 1 : 0);
}

function rotationNumber(path: string): number {
  return Number(/\.(\d+)(?:\.gz)?$/i.exec(path)?.[1] ?? 0);
}

async function sniff(path: string, options: ReadLogOptions): Promise<PlannedLog> {
  try {
    // what the file is, whatever --format says: a forced format picks which copy is read
    const { format, head } = await readLogHead(path, { ...options, format: undefined });
    const first = head.split(/\r?\n/).find((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(l));
    return { path, format, firstTime: first ? parsePgTime(first) : undefined };
  } catch (err) {
    // an unreadable or unknown log is reported when it is read, with the import's other errors
    if (err instanceof FlightdeckError) return { path };
    throw err;
  }
}
