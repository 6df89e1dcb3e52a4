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
 *   as PostgreSQL takes the locks in subqueries too) → `lock`;
 * - a SELECT that calls a function that changes state (`nextval`, `setval`,
 *   advisory locks, `pg_terminate_backend`, `pg_notify`, large objects
 *   `lo_*`, `lowrite`, `set_config`, `dblink_exec`, `pg_logical_emit_message`,
 *   …, see SIDE_EFFECT_FUNCTION; a quoted name `"nextval"(…)` is the same
 *   call) → `side-effect-select`: replaying it would advance a sequence,
 *   take a lock or end a session, so it is a write for flighting.
 *
 * A write wins over a side-effect call, which wins over a lock. Strings, comments and quoted identifiers never
 * count: the lexer hands them over as constants or quoted names.
 */
import { lexSql, Tok, type TokenSink } from './lexer.ts';
import { normalizingStages } from './normalize-forms.ts';

export type StatementKind =
  | 'select' | 'insert' | 'update' | 'delete' | 'merge' | 'select-into' | 'side-effect-select' | 'lock'
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

/**
 * Functions whose call changes state outside the query's result: sequences,
 * advisory locks, other backends, notifications, large objects, settings,
 * remote writes, server administration. Matched by name (any schema) when
 * a `(` follows: unquoted in any case, quoted (`"nextval"(…)`) as written,
 * which is lower case for these.
 */
export const SIDE_EFFECT_FUNCTION =
  /^(?:nextval|setval|set_config|pg_notify|dblink_exec|dblink_send_query|pg_(?:try_)?advisory_(?:xact_)?(?:lock|unlock)(?:_shared|_all)?|pg_terminate_backend|pg_cancel_backend|lo_(?:creat|create|import|export|unlink|open|write|put|truncate|truncate64|from_bytea|lseek|lseek64|close)|lowrite|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_create_restore_point|pg_stat_reset\w*|pg_create_\w+_replication_slot|pg_drop_replication_slot|pg_replication_origin_\w+|pg_logical_slot_get_\w+|pg_logical_emit_message|pg_promote|pg_wal_replay_(?:pause|resume)|pg_import_system_collations|pg_backup_(?:start|stop)|txid_current|pg_current_xact_id)$/;

/** A cheap look at a word before SIDE_EFFECT_FUNCTION: every name there is nextval/setval/lowrite or has a `_`. */
function maySideEffect(sql: string, start: number, end: number): boolean {
  if (end - start < 6) return false;
  const c = sql.charCodeAt(start) | 32;
  // n s p l d t
  if (c !== 110 && c !== 115 && c !== 112 && c !== 108 && c !== 100 && c !== 116) return false;
  if (!wordIs(sql, start, end, 'nextval') && !wordIs(sql, start, end, 'setval') && !wordIs(sql, start, end, 'lowrite')) {
    let underscore = false;
    for (let i = start + 2; i < end && !underscore; i++) underscore = sql.charCodeAt(i) === 95;
    if (!underscore) return false;
  }
  return SIDE_EFFECT_FUNCTION.test(sql.slice(start, end).toLowerCase());
}

/**
 * Is the quoted identifier at sql[start,end) (quotes included) the name of a
 * SIDE_EFFECT_FUNCTION? `"nextval"('s')` calls nextval; a quoted name keeps
 * its case, so `"NEXTVAL"` is another function.
 */
export function quotedSideEffectName(sql: string, start: number, end: number): boolean {
  if (end - start < 8) return false;
  const name = sql.slice(start + 1, end - 1);
  return name === name.toLowerCase() && SIDE_EFFECT_FUNCTION.test(name);
}

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
 * read-only (into, for, insert, update, delete, merge, a function with side
 * effects)? Cheap enough for
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
      return wordIs(sql, start, end, 'insert') || wordIs(sql, start, end, 'update') || wordIs(sql, start, end, 'delete') || maySideEffect(sql, start, end);
    default:
      return maySideEffect(sql, start, end);
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
  /** a call of a SIDE_EFFECT_FUNCTION */
  sideEffect = false;
  /** the token before was the name of a SIDE_EFFECT_FUNCTION */
  private afterSideEffectName = false;

  constructor(private readonly sql: string) {}

  token(type: Tok, start: number, end: number): void {
    const sql = this.sql;
    const call = this.afterSideEffectName;
    this.afterSideEffectName = false;
    if (type === Tok.QuotedIdent) {
      if (!this.sideEffect && quotedSideEffectName(sql, start, end)) this.afterSideEffectName = true;
      this.afterFor = 0;
      this.prevOpen = false;
      return;
    }
    if (type === Tok.Ident) {
      const len = end - start;
      if (!this.sideEffect && maySideEffect(sql, start, end)) this.afterSideEffectName = true;
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
        if (call) this.sideEffect = true;
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
  if (watch.sideEffect) return answer('side-effect-select');
  if (watch.lock) return answer('lock');
  return answer('select');
}

/** Why a statement that is not a read-only query was set aside, for the import's not-a-query report. */
export function describeKind(kind: StatementKind, dataModifyingWith: boolean): string {
  if (kind === 'select-into') return 'select-into: SELECT … INTO creates a table (a write)';
  if (kind === 'lock') return 'lock: SELECT … FOR UPDATE/SHARE takes row locks';
  if (kind === 'side-effect-select') return 'side-effect-select: the SELECT calls a function that changes state (nextval, advisory lock, pg_notify, …): a write';
  if (dataModifyingWith) return `${kind} inside WITH: the query writes`;
  return `${kind} statement`;
}
