/**
 * The leak scan, in DuckDB: the source's distinct values of every masked
 * text/date column (the secrets) joined against every string column of the
 * target, as whole values and as substrings at token boundaries (a secret's
 * longest token is equi-joined with the target's tokens, then `contains`
 * confirms the whole secret). It returns counts only; the secrets never
 * leave DuckDB.
 *
 * Not scanned as secrets: integer/decimal columns (small numbers occur
 * everywhere by coincidence; their protection is the pseudonym mapping) and
 * values shorter than `minLength` or plain numbers of up to 6 digits (postal
 * codes, house numbers: they occur in counts and ids by coincidence), both
 * counted in the result as `tooShort`.
 */
import type { Database } from '../../compiler/builds/duckdb-database.ts';
import { lit, q } from './mask-sql.ts';
import { typeClass, type Policy } from './policy.ts';
import type { Source } from './source.ts';

/** a token: word characters and the punctuation inside emails and phones; dots and apostrophes (O'Hara) only between parts, so a quoted SQL literal yields its value */
export const TOKEN_REGEX = "[\\w@+-]+(?:['.][\\w@+-]+)*";
export const MIN_SECRET_LENGTH = 4;
/** secrets that are plain numbers of up to this many digits are not scanned */
export const MAX_PLAIN_NUMBER_DIGITS = 6;

export interface LeakHit {
  readonly table: string;
  readonly column: string;
  /** target rows holding at least one secret */
  readonly rows: number;
  /** distinct secrets found there */
  readonly secrets: number;
  /**
   * of those rows, in a column masked with a format-preserving fake: rows whose fake happens to
   * equal another row's original (a dense format such as phone numbers makes some certain);
   * the row's own original is not there. Not counted as leaks.
   */
  readonly coincidences?: number;
}

export interface LeakScan {
  readonly secretColumns: number;
  readonly secrets: number;
  readonly tooShort: number;
  readonly targetsScanned: number;
  readonly hits: readonly LeakHit[];
  /** rows holding an original value, coincidences excluded */
  readonly leaks: number;
  readonly coincidences: number;
}

/** Build TEMP tables fd_secret(v) and fd_secret_tok(v, tok) from the source's masked columns. */
export async function collectSecrets(db: Database, source: Source, policy: Policy, minLength = MIN_SECRET_LENGTH): Promise<{ columns: number; secrets: number; tooShort: number }> {
  const selects: string[] = [];
  for (const t of source.tables) {
    for (const c of t.columns) {
      const p = policy.tables[t.name]?.columns[c.column];
      const cls = typeClass(c.type);
      if (!p || p.kind === 'keep' || (cls !== 'string' && cls !== 'date')) continue;
      selects.push(`SELECT CAST(${q(c.column)} AS VARCHAR) AS v FROM ${t.relation}`);
    }
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE fd_secret_all AS SELECT DISTINCT v FROM (${selects.length ? selects.join(' UNION ALL ') : 'SELECT NULL::VARCHAR AS v'}) WHERE v IS NOT NULL`);
  // short numbers (postal codes, house numbers) are everywhere by coincidence: counts, ids, prices
  await db.run(`CREATE OR REPLACE TEMP TABLE fd_secret AS SELECT v FROM fd_secret_all WHERE length(v) >= ${minLength} AND NOT regexp_full_match(v, '[0-9]{1,${MAX_PLAIN_NUMBER_DIGITS}}')`);
  await db.run(`CREATE OR REPLACE TEMP TABLE fd_secret_tok AS SELECT v, arg_max(tok, length(tok)) AS tok
    FROM (SELECT v, unnest(regexp_extract_all(v, ${lit(TOKEN_REGEX)})) AS tok FROM fd_secret) GROUP BY v`);
  const r = (await db.all(`SELECT (SELECT count(*) FROM fd_secret) AS s, (SELECT count(*) FROM fd_secret_all) AS a`))[0]!;
  return { columns: selects.length, secrets: Number(r.s), tooShort: Number(r.a) - Number(r.s) };
}

/** Rows of `relation.column` holding a secret (whole or at token boundaries), and how many distinct secrets. */
export async function scanColumn(db: Database, relation: string, column: string): Promise<{ rows: number; secrets: number }> {
  const r = (await db.all(`SELECT count(DISTINCT x.rid) AS rows, count(DISTINCT s.v) AS secrets
    FROM (SELECT rid, txt, unnest(regexp_extract_all(txt, ${lit(TOKEN_REGEX)})) AS tok
          FROM (SELECT row_number() OVER () AS rid, CAST(${q(column)} AS VARCHAR) AS txt FROM ${relation} WHERE ${q(column)} IS NOT NULL)) x
    JOIN fd_secret_tok s ON x.tok = s.tok
    WHERE contains(x.txt, s.v)`))[0]!;
  return { rows: Number(r.rows), secrets: Number(r.secrets) };
}

export interface ScanTarget {
  readonly table: string;
  readonly relation: string;
  readonly columns: readonly {
    readonly column: string;
    readonly type: string;
    /**
     * for a format-preserving fake: a query counting (as n) the source rows whose fake contains
     * their own original; the other hits are coincidences
     */
    readonly ownCheck?: string;
  }[];
}

/** Scan every string column of the given target tables (after collectSecrets). */
export async function scanTargets(db: Database, targets: readonly ScanTarget[]): Promise<{ scanned: number; hits: LeakHit[] }> {
  const hits: LeakHit[] = [];
  let scanned = 0;
  for (const t of targets) {
    for (const c of t.columns) {
      if (typeClass(c.type) !== 'string') continue;
      scanned++;
      const r = await scanColumn(db, t.relation, c.column);
      if (r.rows === 0) continue;
      if (!c.ownCheck) {
        hits.push({ table: t.table, column: c.column, ...r });
        continue;
      }
      // a fake equal to an original: its own row's original (a leak) or another row's (a coincidence)?
      const own = Number((await db.all(c.ownCheck))[0]!.n);
      hits.push({ table: t.table, column: c.column, ...r, coincidences: Math.max(0, r.rows - own) });
    }
  }
  return { scanned, hits };
}

export function countLeaks(hits: readonly LeakHit[]): { leaks: number; coincidences: number } {
  const coincidences = hits.reduce((s, h) => s + (h.coincidences ?? 0), 0);
  return { leaks: hits.reduce((s, h) => s + h.rows, 0) - coincidences, coincidences };
}

/** Scan free texts (a report, a workload's SQL) by loading them into a TEMP table. */
export async function scanTexts(db: Database, name: string, texts: readonly string[]): Promise<LeakHit | null> {
  await db.run('CREATE OR REPLACE TEMP TABLE fd_texts (txt VARCHAR)');
  const appender = await db.connection.createAppender('fd_texts', 'main', 'temp');
  for (const t of texts) {
    appender.appendVarchar(t);
    appender.endRow();
  }
  appender.closeSync();
  const r = await scanColumn(db, 'temp.main.fd_texts', 'txt');
  return r.rows > 0 ? { table: name, column: 'text', ...r } : null;
}
