/**
 * What kind of statement a log entry is, read from the fingerprint's token
 * stream (no second pass over the text): the first word's verb, and for
 * queries the three forms that look like a SELECT but are not read-only
 * (PostgreSQL's grammar; DuckDB refuses all three):
 *
 * - `SELECT … INTO [TEMP] t …`: creates a table (PostgreSQL runs it as
 *   CREATE TABLE AS) → `select-into`;
 * - a data-modifying WITH, `WITH d AS (DELETE … RETURNING *) SELECT …`: the
 *   statement writes → the kind of its write (`delete`, `insert`, `update`,
 *   `merge`);
 * - `SELECT … FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE` (at any depth,
 *   as PostgreSQL takes the locks in subqueries too) → `lock`.
 *
 * A write wins over a lock. Strings, comments and quoted identifiers never
 * count: the lexer hands them over as constants or quoted names.
 */
import { lexSql, Tok, type TokenSink } from './lexer.ts';
import { normalizingStages } from './normalize-forms.ts';

export type StatementKind =
  | 'select' | 'insert' | 'update' | 'delete' | 'merge' | 'select-into' | 'lock'
  | 'ddl' | 'utility' | 'empty' | 'other';

const KIND_BY_VERB: Record<string, StatementKind> = {
  select: 'select', values: 'select', table: 'select',
  insert: 'insert', update: 'update', delete: 'delete', merge: 'merge', copy: 'utility',
  create: 'ddl', alter: 'ddl', drop: 'ddl', truncate: 'ddl', comment: 'ddl', grant: 'ddl', revoke: 'ddl',
  set: 'utility', show: 'utility', begin: 'utility', commit: 'utility', rollback: 'utility', start: 'utility',
  explain: 'utility', analyze: 'utility', vacuum: 'utility', use: 'utility', reset: 'utility', call: 'utility',
  savepoint: 'utility', release: 'utility', end: 'utility', abort: 'utility', discard: 'utility', deallocate: 'utility', prepare: 'utility',
  execute: 'utility', lock: 'utility', listen: 'utility', unlisten: 'utility', notify: 'utility', declare: 'utility', fetch: 'utility',
  close: 'utility', move: 'utility', do: 'utility', refresh: 'utility', checkpoint: 'utility', cluster: 'utility', reindex: 'utility',
  load: 'utility', security: 'utility', import: 'ddl', rollup: 'other',
};

const DML_VERBS = new Set(['insert', 'update', 'delete', 'merge']);

/** Case-insensitive compare of sql[start,end) with a lower-case ASCII word. */
function wordIs(sql: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((sql.charCodeAt(start + i) | 32) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** What the hash sink noted on its way through the (normalised) tokens. */
export interface FirstToken {
  readonly tokens: number;
  /** the first token when it is a word, else -1 */
  readonly firstStart: number;
  readonly firstEnd: number;
  /** a word that may make a query not read-only was seen (`mayNotBeReadOnly`) */
  readonly suspect: boolean;
}

/**
 * Is the word at sql[start,end) one whose absence proves a query is
 * read-only (into, for, insert, update, delete, merge)? Cheap enough for
 * every token; the token pass in `statementKind` runs only on queries
 * that hold one.
 */
export function mayNotBeReadOnly(sql: string, start: number, end: number): boolean {
  switch (end - start) {
    case 3:
      return wordIs(sql, start, end, 'for');
    case 4:
      return wordIs(sql, start, end, 'into');
    case 5:
      return wordIs(sql, start, end, 'merge');
    case 6:
      return wordIs(sql, start, end, 'insert') || wordIs(sql, start, end, 'update') || wordIs(sql, start, end, 'delete');
    default:
      return false;
  }
}

/** Watches a token stream for the facts that make a query not read-only. */
class KindWatch implements TokenSink {
  private depth = 0;
  private prevOpen = false;
  /** 0: not in a locking clause; 1: after FOR; 2: FOR NO; 3: FOR NO KEY; 4: FOR KEY */
  private afterFor = 0;
  /** an INTO at paren depth 0 */
  intoAtTop = false;
  /** FOR UPDATE / SHARE / NO KEY UPDATE / KEY SHARE anywhere */
  lock = false;
  /** the first INSERT/UPDATE/DELETE/MERGE right after a `(` (in a WITH list, a CTE body) */
  dmlInParens: StatementKind | null = null;

  constructor(private readonly sql: string) {}

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    if (type === Tok.Ident) {
      const len = end - start;
      // `for update`, `for share`, `for no key update`, `for key share`
      const after = this.afterFor;
      this.afterFor = 0;
      if (after === 1 && (wordIs(sql, start, end, 'update') || wordIs(sql, start, end, 'share'))) this.lock = true;
      else if (after === 1 && wordIs(sql, start, end, 'no')) this.afterFor = 2;
      else if ((after === 1 || after === 2) && wordIs(sql, start, end, 'key')) this.afterFor = after === 2 ? 3 : 4;
      else if ((after === 3 && wordIs(sql, start, end, 'update')) || (after === 4 && wordIs(sql, start, end, 'share'))) this.lock = true;
      else if (len === 4 && this.depth === 0 && wordIs(sql, start, end, 'into')) this.intoAtTop = true;
      else if (this.prevOpen && this.dmlInParens === null && len >= 5 && len <= 6) {
        const w = sql.slice(start, end).toLowerCase();
        if (DML_VERBS.has(w)) this.dmlInParens = w as StatementKind;
      }
      if (len === 3 && wordIs(sql, start, end, 'for')) this.afterFor = 1;
      this.prevOpen = false;
      return;
    }
    this.afterFor = 0;
    this.prevOpen = false;
    if (type === Tok.Punct && end - start === 1) {
      const c = sql.charCodeAt(start);
      if (c === 40) {
        this.depth++;
        this.prevOpen = true;
      } else if (c === 41 && this.depth > 0) this.depth--;
    }
  }
}

export interface KindAnswer {
  readonly kind: StatementKind;
  readonly dataModifyingWith: boolean;
}

const ANSWERS = new Map<StatementKind, KindAnswer>();
function answer(kind: StatementKind, dataModifyingWith = false): KindAnswer {
  if (dataModifyingWith) return { kind, dataModifyingWith };
  let a = ANSWERS.get(kind);
  if (!a) ANSWERS.set(kind, (a = { kind, dataModifyingWith }));
  return a;
}

/**
 * The statement's kind from its first token; a query's SQL is looked at
 * again (tokens, never strings or comments) only when a word that could
 * make it a write or a lock appears in its text.
 */
export function statementKind(sql: string, first: FirstToken): KindAnswer {
  if (first.tokens === 0) return answer('empty');
  let verb: string;
  let withList = false;
  if (first.firstStart < 0) {
    // starts with punctuation, e.g. `(select ...) union (...)`
    const body = sql.replace(/^(?:\s+|--[^\n\r]*|\/\*[\s\S]*?\*\/)*/, '');
    if (!/^(?:\(\s*)+(select|with|values|table)\b/i.test(body)) return answer('other');
    verb = 'select';
  } else verb = sql.slice(first.firstStart, first.firstEnd).toLowerCase();
  if (verb === 'with') {
    // the statement's verb is the first top-level insert/update/delete/select after the CTEs
    const m = /\)\s*(select|insert|update|delete|merge)\b/i.exec(sql);
    verb = m ? m[1]!.toLowerCase() : 'select';
    withList = true;
  }
  const kind = KIND_BY_VERB[verb] ?? 'other';
  if (kind !== 'select' || !first.suspect) return answer(kind);
  const watch = new KindWatch(sql);
  // through the same stages as the hash: the lexer's call to its sink stays monomorphic
  const stages = normalizingStages(sql, watch);
  lexSql(sql, stages);
  stages.finish();
  if (withList && watch.dmlInParens !== null) return answer(watch.dmlInParens, true);
  if (watch.intoAtTop) return answer('select-into');
  if (watch.lock) return answer('lock');
  return answer('select');
}

/** Why a statement that is not a read-only query was set aside, for the import's not-a-query report. */
export function describeKind(kind: StatementKind, dataModifyingWith: boolean): string {
  if (kind === 'select-into') return 'select-into: SELECT … INTO creates a table (a write)';
  if (kind === 'lock') return 'lock: SELECT … FOR UPDATE/SHARE takes row locks';
  if (dataModifyingWith) return `${kind} inside WITH: the query writes`;
  return `${kind} statement`;
}
