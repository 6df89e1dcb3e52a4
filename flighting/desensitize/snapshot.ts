/**
 * `desensitize`: source → masked Snapshot + masking report. The source is
 * attached read-only; the snapshot is written to a temporary file beside
 * the target and renamed only when every table is written, the statistics
 * are taken and the leak scan is clean. Any failure (including a leak)
 * leaves no snapshot. The key reaches DuckDB only as a statement parameter
 * of in-memory connections whose macros are TEMP. Two connections share the
 * work (each table after the lookups it reads, each key's index as soon as
 * its rows are written, a table of less than a row group first, then the
 * longest chains: runConcurrently), with
 * one thread fewer than the cores: a statement's own thread runs its work,
 * so both connections busy use every core and none waits in a loop for a
 * shared worker. The lookups live in an in-memory database both see. A
 * DuckDB source's rows are written in its row order (rowid), so kept
 * columns keep their statistics, distinct-count sketch included.
 */
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../../compiler/errors.ts';
import type { MaskingKey } from './key.ts';
import { collectSecrets, countLeaks, scanTargets, scanTexts, type LeakScan, type ScanTarget } from './leak-scan.ts';
import { runConcurrently, type Task } from './concurrent.ts';
import { hashMapStatements, keyParams, lit, MASK_MACROS, maskedType, q, type MaskColumn } from './mask-sql.ts';
import { checkPolicyCovers, type Policy } from './policy.ts';
import { buildReport, renderMarkdown, writeReportFiles, type MaskingReport } from './report.ts';
import { sha256File } from '../file-sha256.ts';
import { attachSource, sourceColumns, type Source, type SourceTable } from './source.ts';
import { maskSelectWithLookups, STREAMED_OPTIMIZERS, valueMapStatements, type RowOrder, type ValueMaps } from './value-maps.ts';
import { redactMessage } from './mask-workload.ts';
import { tableStats, type ColumnStats } from './stats.ts';

export interface DesensitizeOptions {
  readonly source: string;
  readonly policy: Policy;
  readonly policyFile?: string;
  readonly key: MaskingKey;
  readonly out: string;
  readonly threads?: number;
  /** skip statistics and the leak scan (the benchmark's masking-only timing) */
  readonly maskOnly?: boolean;
  /** on one thread, the most rows each lookup a table joins may hold for the joins to stream (default STREAM_LOOKUP_ROWS) */
  readonly streamLookupRows?: number;
  readonly onProgress?: (step: string) => void;
}

export interface DesensitizeResult {
  /** null when the leak scan found original values: nothing was written but the report */
  readonly snapshot: string | null;
  readonly report: MaskingReport | null;
  readonly reportFiles: readonly string[];
  /** tables whose streamed joins moved rows: written again, sorted back (see STREAM_LOOKUP_ROWS) */
  readonly resorted: readonly string[];
}

export function reportPaths(snapshot: string, failed = false): { json: string; md: string } {
  const base = `${snapshot.replace(/\.duckdb$/, '')}${failed ? '.failed' : ''}`;
  return { json: `${base}.report.json`, md: `${base}.report.md` };
}

export async function desensitize(options: DesensitizeOptions): Promise<DesensitizeResult> {
  const out = resolve(options.out);
  if (resolve(options.source) === out) throw new FlightdeckError('usage-error', 'the snapshot must not overwrite its source');
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${Date.now()}.tmp`);
  // writing: two connections, one thread fewer than the cores (see the top); the report: every core
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const db = await openDatabase(':memory:', { threads });
  const others: Database[] = [];
  let attached = false;
  // what DuckDB spills to disk (lookups pair original and masked values) goes to a private folder removed at the end, not ./.tmp
  const spill = mkdtempSync(join(tmpdir(), 'fd-desensitize-spill-'));
  try {
    await db.run(`SET temp_directory = ${lit(spill)}`);
    const source = await attachSource(db, options.source);
    checkPolicyCovers(options.policy, sourceColumns(source), options.policyFile);
    await db.run(`ATTACH ${lit(tmp)} AS snap`);
    attached = true;
    await db.run(`ATTACH ':memory:' AS ${LOOKUPS.split('.')[0]}`);
    others.push(await db.connect());
    // each connection's TEMP macros, defined at once (parsing them takes ~25 ms); both finish before a failure is thrown
    const defined = await Promise.allSettled([db, ...others].map((conn) => conn.run(MASK_MACROS)));
    for (const d of defined) if (d.status === 'rejected') throw d.reason;
    // one thread: the joins keep the rows' order by themselves (RowOrder); more: the rows are sorted back
    const order: RowOrder | undefined = source.kind !== 'duckdb' ? undefined : threads === 1 ? 'streamed' : { sortBy: ROW };
    const { tasks, values, resorted } = await writeTasks(db, source, options, order, `${tmp}.wal`);
    if (order === 'streamed') await db.run(`SET disabled_optimizers = '${STREAMED_OPTIMIZERS}'`);
    await runConcurrently([db, ...others], tasks);
    await db.run('CHECKPOINT snap');
    if (order === 'streamed') await db.run('RESET disabled_optimizers');
    if (!options.threads) await db.run('RESET threads');
    let report: MaskingReport | null = null;
    if (!options.maskOnly) {
      report = await measure(db, source, options, values);
      options.onProgress?.('report');
      const md = renderMarkdown(report);
      const reportHit = await scanTexts(db, 'masking report', [JSON.stringify(report), md]);
      if (reportHit) {
        const hits = [...report.leakScan.hits, reportHit];
        report = { ...report, leakScan: { ...report.leakScan, hits, ...countLeaks(hits) } };
      }
    }
    await db.run('DETACH snap');
    attached = false;
    const files: string[] = [];
    // a refused snapshot's report goes beside it under its own name: a previous snapshot keeps its own report
    const leaked = report !== null && report.leakScan.leaks > 0;
    // the report names the exact bytes it proves clean: a flight refuses a file that is not the one masked
    if (report && !leaked) report = { ...report, snapshotSha256: await sha256File(tmp) };
    if (report) files.push(...writeReportFiles(report, reportPaths(out, leaked)));
    if (leaked) return { snapshot: null, report, reportFiles: files, resorted: resorted.toSorted() };
    renameSync(tmp, out);
    rmSync(`${out}.wal`, { force: true });
    return { snapshot: out, report, reportFiles: files, resorted: resorted.toSorted() };
  } finally {
    for (const other of others) other.close();
    if (attached) await db.run('DETACH snap').catch(() => undefined);
    db.close();
    for (const p of [tmp, `${tmp}.wal`]) if (existsSync(p)) rmSync(p, { force: true });
    rmSync(spill, { recursive: true, force: true });
  }
}

const ROW = '__fd_row';

/** format-preserving fakes: their outputs live in the space of real values, so a few coincide with other rows' originals */
const FAKES: ReadonlySet<string> = new Set(['phone', 'card', 'iban', 'name', 'address', 'email']);

export function maskColumns(t: SourceTable, policy: Policy): MaskColumn[] {
  return t.columns.map((c) => ({ column: c.column, type: c.type, policy: policy.tables[t.name]!.columns[c.column]! }));
}

/** the in-memory database holding the lookups (never the snapshot; the key is not in it) */
const LOOKUPS = 'fd_lookup.main';

/**
 * The snapshot's work as tasks, each with its cost (COST): every lookup
 * (each distinct input masked once; a key and its foreign keys share one),
 * each table (created here in the source's order, written after the lookups
 * it reads; a table of less than a row group, logged, first: compressLogged),
 * then its primary key.
 */
async function writeTasks(db: Database, source: Source, options: DesensitizeOptions, order: RowOrder | undefined, wal: string): Promise<{ tasks: Task[]; values: ValueMaps; resorted: string[] }> {
  const keyHex = options.key.revealHex();
  const tables = source.tables.map((t) => ({ name: t.name, relation: t.relation, columns: maskColumns(t, options.policy) }));
  const values = valueMapStatements(tables, LOOKUPS);
  const hashes = hashMapStatements(tables.map((t) => ({ relation: t.relation, columns: t.columns.filter((c) => !values.byColumn.has(`${t.name}\0${c.column}`)) })), LOOKUPS);
  // a lookup's failure names the columns it masks, never a value
  const columnsOf = new Map<string, string[]>();
  for (const [at, lookup] of values.byColumn) columnsOf.set(lookup, [...(columnsOf.get(lookup) ?? []), at.replace('\0', '.')]);
  const rows = await tableRows(db, source);
  const rowsOf = new Map(source.tables.map((t) => [t.relation, rows.get(t.name) ?? 0]));
  const lookups: Task[] = [...values.lookups, ...hashes.lookups].map(({ table, sql, scans, range }) => {
    const what = `the lookup of ${columnsOf.get(table)?.join(', ') ?? 'a masked column'}`;
    const cost = scans.reduce((n, r) => n + (rowsOf.get(r) ?? 0) * COST.lookupRow, 0) + (range ?? 0) * COST.shuffleValue;
    return { id: table, after: [], cost, run: (conn) => masking(what, conn.run(sql, keyParams(sql, keyHex))) };
  });
  const lists = new Set([...values.shuffles.values()].map((s) => s.list));
  const writes: Task[] = [];
  const resorted: string[] = [];
  for (const [i, t] of source.tables.entries()) {
    const columns = tables[i]!.columns;
    const kept = columns.filter((c) => c.policy.kind !== 'drop');
    const defs = kept.map((c) => {
      const notNull = t.columns.find((s) => s.column === c.column)!.notNull && c.policy.kind !== 'null';
      return `${q(c.column)} ${maskedType(c)}${notNull ? ' NOT NULL' : ''}`;
    });
    const create = `CREATE TABLE snap.main.${q(t.name)} (${defs.join(', ')})`;
    // created here, in the source's order: the snapshot's catalog does not depend on which connection finished first
    await db.run(create);
    // the rows in the source's order (a DuckDB table's rowid): DuckDB samples a column's distinct-count sketch at
    // fixed positions of each vector it appends, so the same rows in the same order give a kept column the same
    // sketch, and a pseudonymised one the same sample; the lookup joins alone would reorder them
    const { sql: plain, reads } = maskSelectWithLookups(t.name, t.relation, columns, values, hashes.maps, order === 'streamed' ? 'streamed' : undefined);
    const joined = reads.filter((r) => !lists.has(r));
    // the statement when not streamed: sorted back if it joins (a DuckDB source), else the plain one
    const sorted = order && joined.length ? maskSelectWithLookups(t.name, `(SELECT *, rowid AS ${ROW} FROM ${t.relation})`, columns, values, hashes.maps, { sortBy: ROW }).sql : plain;
    const pkWhere = (ok: (kind: string) => boolean) => t.primaryKey.length > 0 && t.primaryKey.every((k) => kept.some((c) => c.column === k && ok(c.policy.kind)));
    // streamed only when the order can be checked: by a primary key kept as it is (unique: any moved row shows)
    const stream = order === 'streamed' && joined.length > 0 && pkWhere((kind) => kind === 'keep');
    const pkKept = pkWhere((kind) => kind !== 'null');
    const n = rows.get(t.name) ?? 0;
    // fewer rows than a row group: logged, then compressed (compressLogged), each cell written twice (a folder's: unknown)
    const logged = n > 0 && n < ROW_GROUP_ROWS;
    const width = (logged ? 2 : 1) * kept.reduce((w, c) => w + (/CHAR|TEXT|STRING|BLOB|JSON/i.test(maskedType(c)) ? COST.stringCell : 1), 0)
      + (joined.length ? (stream ? 0 : COST.sort) + joined.length * COST.join : 0);
    // the key, when the statement uses it: a ranged key's values outside its range are hashed in place
    const insert = (conn: Database, select: string) => masking(t, conn.run(`INSERT INTO snap.main.${q(t.name)} ${select}`, keyParams(select, keyHex)));
    writes.push({
      // a logged table (and its lookups) first: its checkpoint then overlaps the large inserts, not a key's ALTER
      id: `table ${t.name}`, after: reads, cost: n * width, urgent: logged,
      run: async (conn) => {
        if (!stream || !(await streams(conn, t, joined, options.streamLookupRows ?? STREAM_LOOKUP_ROWS))) {
          await insert(conn, sorted);
        } else {
          await insert(conn, plain);
          // checked: every row written (an inner join drops a row whose value its lookup misses), in the source's order
          // (DuckDB emits a probe row later when another key shares its hash bucket); moved: written again, sorted
          if (!(await inSourceOrder(conn, t, t.primaryKey))) {
            await masking(t, conn.run(`DROP TABLE snap.main.${q(t.name)}`));
            await masking(t, conn.run(create));
            await insert(conn, sorted);
            resorted.push(t.name);
          }
        }
        await compressLogged(conn, wal);
        if (!pkKept) options.onProgress?.(t.name);
      },
    });
    // the key's index built once over the written rows: an insert into a keyed table appends on one thread
    if (pkKept) writes.push({
      id: `key ${t.name}`, after: [`table ${t.name}`], cost: n * COST.keyRow,
      run: async (conn) => {
        await masking(t, conn.run(`ALTER TABLE snap.main.${q(t.name)} ADD PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`));
        options.onProgress?.(t.name);
      },
    });
  }
  return { tasks: [...lookups, ...writes], values, resorted };
}

/**
 * The rows a write left in the log (the WAL), compressed into the snapshot
 * now, while the other connection works, not by the last checkpoint, on one
 * thread, after all else: DuckDB writes a large insert's row groups to the
 * file as it goes, but logs an insert of less than a row group (122,880
 * rows: the shop's customers), and compresses it when it checkpoints. A
 * checkpoint is refused while another connection changes the catalog (an
 * index's ALTER, a table written again) or checkpoints itself: a later one
 * takes those rows then, the last one at the latest.
 */
export async function compressLogged(conn: Database, wal: string): Promise<void> {
  // the other connection's checkpoint may remove the log at any moment: no log, nothing to compress
  if ((statSync(wal, { throwIfNoEntry: false })?.size ?? 0) < LOGGED_BYTES) return;
  const refused = (err: Error) => (/other write transactions active/.test(err.message) ? undefined : Promise.reject(err));
  await masking('the snapshot', conn.run('CHECKPOINT snap').catch(refused));
}

/** DuckDB's rows per row group: an insert of fewer is logged */
const ROW_GROUP_ROWS = 122_880;

/** a log smaller than this is left to the last checkpoint (a large insert logs a few kilobytes of row-group pointers) */
const LOGGED_BYTES = 1 << 20;

/**
 * The most rows a lookup may hold for a table's joins to stream: as a
 * join's hash table fills, DuckDB now and then finds a probe row's key
 * only on a second pass, and emits that row after the rest of its vector
 * (seen from ~250,000 keys, not at 200,000 or below); a table joining a
 * larger lookup is sorted back instead. A streamed table's order is
 * checked (inSourceOrder) and the table written again, sorted, if a row
 * moved.
 */
const STREAM_LOOKUP_ROWS = 150_000;

/**
 * What a task costs, in cells of a plain copy (a number or date column's
 * value: 1), for runConcurrently's schedule: fitted on the shop data at one
 * thread per statement (a cell ≈ 37 ns there). A string cell's compression
 * analysis costs about 6; a lookup joined costs 2 per row, and 4 more
 * when the rows are sorted back into the source's order (several threads);
 * a lookup reads its column and masks up to every value; a key's index is
 * built over its rows. Only the ratios matter: they put the lookups that
 * gate the large tables, and those tables, first, and leave the short
 * tasks for last.
 */
const COST = { stringCell: 6, join: 2, sort: 4, keyRow: 8, lookupRow: 16, shuffleValue: 40 };

/** the source's row counts as DuckDB estimates them (a folder's files: unknown, 0) */
export async function tableRows(db: Database, source: Source): Promise<Map<string, number>> {
  if (source.kind !== 'duckdb') return new Map();
  const rows = await db.all(`SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = 'src' AND schema_name = 'main'`);
  return new Map(rows.map((r) => [String(r.table_name), Number(r.estimated_size)]));
}

/**
 * Whether a table's joins may stream: the lookups it joins hold at most
 * `max` rows each, and its rowids have no gaps (deleted rows leave some: a
 * row's rowid is then not its position, and the check could not tell)
 */
async function streams(conn: Database, t: SourceTable, lookups: readonly string[], max: number): Promise<boolean> {
  const [r] = await conn.all(`SELECT greatest(${lookups.map((l) => `(SELECT count(*) FROM ${l})`).join(', ')}) AS n,
    (SELECT coalesce(max(rowid) + 1, 0) = count(*) FROM ${t.relation}) AS dense`);
  return Number(r!.n) <= max && r!.dense === true;
}

/**
 * Whether the snapshot's table holds the source's rows in the source's
 * order, told by the `witness` columns (kept as they are, unique: a primary
 * key): the same count, and the same XOR over the rows of a hash of the
 * row's position mixed with its witness values.
 * Fewer rows is an error (a lookup missed a value); other rows or another
 * order is `false`.
 */
export async function inSourceOrder(conn: Database, t: SourceTable, witness: readonly string[]): Promise<boolean> {
  // hash(a, b) combines its arguments' hashes by XOR: the position is mixed in by hashing again, or any order would do
  const sig = (relation: string) => `(SELECT count(*) AS n, bit_xor(hash(xor(hash(${witness.map(q).join(', ')}), rowid::UBIGINT))) AS h FROM ${relation})`;
  const [r] = await conn.all(`SELECT a.n AS an, b.n AS bn, a.h IS NOT DISTINCT FROM b.h AS same FROM ${sig(t.relation)} a, ${sig(`snap.main.${q(t.name)}`)} b`);
  if (r!.an !== r!.bn) throw new FlightdeckError('build-error', `masking table ${t.name} wrote ${r!.bn} of its ${r!.an} rows: the snapshot is not written`);
  return r!.same === true;
}

/** a table's statement, its failure told without quoting a value */
async function masking(what: SourceTable | string, statement: Promise<void>): Promise<void> {
  try {
    await statement;
  } catch (err) {
    const msg = blankValues((err as Error).message);
    const collision = /PRIMARY KEY|Duplicate key|duplicates/i.test(msg);
    throw new FlightdeckError('build-error', `masking ${typeof what === 'string' ? what : `table ${what.name}`} failed: ${collision ? 'two keys got the same pseudonym (a collision): the snapshot is not written' : msg}`);
  }
}

/**
 * DuckDB's message without anything that may be a value, maybe an original
 * one or one near it (a noised number that overflows its type): its first
 * line only, quoted text and numbers blanked (type names such as INT32 stay).
 */
function blankValues(message: string): string {
  return redactMessage(message.split('\n')[0]!).replace(/(?<![A-Za-z_\d])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![A-Za-z_\d])/gi, '…');
}

async function measure(db: Database, source: Source, options: DesensitizeOptions, values: ValueMaps): Promise<MaskingReport> {
  const before: Record<string, Record<string, ColumnStats>> = {};
  const after: Record<string, Record<string, ColumnStats>> = {};
  const targets: ScanTarget[] = [];
  for (const t of source.tables) {
    const cols = maskColumns(t, options.policy);
    before[t.name] = await tableStats(db, t.relation, t.columns);
    const kept = cols.filter((c) => c.policy.kind !== 'drop');
    after[t.name] = await tableStats(db, `snap.main.${q(t.name)}`, kept.map((c) => ({ column: c.column, type: maskedType(c) })));
    // rows whose fake contains their own original: the fake beside its original, from the lookup
    const ownCheck = (c: MaskColumn, map: string) =>
      `SELECT count(*) AS n FROM ${t.relation} s JOIN ${map} l ON s.${q(c.column)} = l.v WHERE contains(CAST(l.m AS VARCHAR), CAST(l.v AS VARCHAR))`;
    targets.push({
      table: t.name, relation: `snap.main.${q(t.name)}`,
      columns: kept.map((c) => {
        const map = values.byColumn.get(`${t.name}\0${c.column}`);
        return { column: c.column, type: maskedType(c), ...(FAKES.has(c.policy.kind) && map ? { ownCheck: ownCheck(c, map) } : {}) };
      }),
    });
  }
  const secrets = await collectSecrets(db, source, options.policy);
  const scan = await scanTargets(db, targets);
  const leakScan: LeakScan = {
    secretColumns: secrets.columns, secrets: secrets.secrets, tooShort: secrets.tooShort, targetsScanned: scan.scanned,
    hits: scan.hits, ...countLeaks(scan.hits),
  };
  return buildReport({ source, policy: options.policy, before, after, leakScan, snapshot: resolve(options.out) });
}
