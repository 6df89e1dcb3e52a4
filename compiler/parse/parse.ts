/**
 * SQL text → AstQuery (compiler/ir/ast.ts). The only place that touches
 * node-sql-parser: its AST is converted at once, in one pass, and never
 * leaves this folder.
 *
 * parse: patch what the grammar cannot read (rewrite-sql.ts, length-preserving)
 *   → node-sql-parser `astify` → check it is exactly one SELECT → convert.
 * Every failure is a FlightdeckError: `parse-error` (with line/column) for
 * bad SQL, `unsupported` naming the construct for SQL we knowingly do not
 * read, `usage-error` for an unknown dialect.
 */
import { createRequire } from 'node:module';
import postgresql from 'node-sql-parser/build/postgresql.js';
import { FlightdeckError } from '../errors.ts';
import type { AstQuery } from '../ir/ast.ts';
import type { ConvertContext, Raw } from './convert-context.ts';
import { convertQueryNode } from './convert-query.ts';
import { createNameNormalizer } from './identifier-case.ts';
import { prepareParserInput } from './rewrite-sql.ts';
import { describeParserError, shorten } from './syntax-error.ts';
import { lexSql } from './sql-lexer.ts';
import { checkNesting, checkTreeDepth, isStackOverflow, MAX_NESTING, MAX_TREE_DEPTH, tooDeep } from './nesting-limit.ts';

export interface ParseOptions {
  /** node-sql-parser `database` option; default `postgresql` */
  readonly dialect?: string;
}

/** Dialects node-sql-parser 5 ships a grammar for (file names under node-sql-parser/build/). */
export const SQL_DIALECTS: readonly string[] = [
  'athena', 'bigquery', 'db2', 'flinksql', 'hive', 'mariadb', 'mysql', 'noql', 'postgresql', 'redshift',
  'snowflake', 'sqlite', 'transactsql', 'trino',
];

interface SqlParser {
  astify(sql: string, options: { database: string; parseOptions?: { includeLocations?: boolean } }): Raw;
}

const parsers = new Map<string, SqlParser>([['postgresql', new postgresql.Parser() as unknown as SqlParser]]);
const requireDialect = createRequire(import.meta.url);

/** One parser per dialect, each grammar loaded on first use (only PostgreSQL's at start-up). */
function parserFor(dialect: string): SqlParser {
  const cached = parsers.get(dialect);
  if (cached) return cached;
  if (!SQL_DIALECTS.includes(dialect)) {
    throw new FlightdeckError('usage-error', `unknown SQL dialect "${dialect}"; expected one of ${SQL_DIALECTS.join(', ')}`);
  }
  const mod = requireDialect(`node-sql-parser/build/${dialect}.js`) as { Parser: new () => SqlParser };
  const parser = new mod.Parser();
  parsers.set(dialect, parser);
  return parser;
}

const PARSE_OPTIONS = { includeLocations: true };

export function parseSql(sql: string, options: ParseOptions = {}): AstQuery {
  const dialect = (options.dialect ?? 'postgresql').toLowerCase();
  const parser = parserFor(dialect);
  if (typeof sql !== 'string') throw new FlightdeckError('usage-error', 'the query must be a string');
  if (mayNestDeeply(sql)) checkNesting(sql, lexSql(sql));
  const input = prepareParserInput(sql);
  let raw: Raw;
  try {
    raw = parser.astify(input.text, { database: dialect, parseOptions: PARSE_OPTIONS });
  } catch (err) {
    if (isStackOverflow(err)) throw tooDeep(sql, 'parse', err);
    throw describeParserError(err, sql);
  }
  checkTreeDepth(sql, raw);
  const statement = singleSelect(raw, sql);
  const cx: ConvertContext = { normalizeName: createNameNormalizer(sql), input, claimed: new Set() };
  let query: AstQuery;
  try {
    query = convertQueryNode(statement, cx);
  } catch (err) {
    if (isStackOverflow(err)) throw tooDeep(sql, 'convert', err);
    if (err instanceof FlightdeckError) {
      if (err.location) throw err;
      throw new FlightdeckError(err.code, err.message, { location: { query: shorten(sql) }, cause: err.cause });
    }
    throw new FlightdeckError('internal-error', `could not convert the parsed query: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
      location: { query: shorten(sql) },
    });
  }
  checkRewritesClaimed(input, cx);
  return query;
}

/**
 * The syntax error in `sql`, or null when it parses (constructs the
 * compiler merely does not support are not syntax errors; a query nested
 * too deeply for our parser counts as unreadable). For flagging log lines
 * no build of ours can read.
 */
export function syntaxError(sql: string): string | null {
  try {
    parseSql(sql);
    return null;
  } catch (err) {
    return err instanceof FlightdeckError && (err.code === 'parse-error' || err.code === 'too-deep') ? err.message : null;
  }
}

/**
 * Cheap test before lexing: a query with fewer `(` and `case` than the
 * nesting limit, and too short to hold MAX_TREE_DEPTH prefix operators,
 * cannot fail checkNesting.
 */
function mayNestDeeply(sql: string): boolean {
  if (sql.length > 2 * MAX_TREE_DEPTH) return true;
  let opens = 0;
  for (let i = sql.indexOf('('); i >= 0; i = sql.indexOf('(', i + 1)) opens++;
  const cases = sql.match(/case/gi)?.length ?? 0;
  return opens + cases > MAX_NESTING;
}

function singleSelect(raw: Raw, sql: string): Raw {
  const statements: Raw[] = (Array.isArray(raw) ? raw : [raw]).filter((s: Raw) => s !== null && s !== undefined);
  // built lazily: only an error needs it, and shortening a long query is not free
  const location = { get query() { return shorten(sql); } };
  if (statements.length === 0) throw new FlightdeckError('parse-error', 'empty query: no SQL statement found', { location });
  if (statements.length > 1) {
    throw new FlightdeckError('unsupported', `only a single SELECT query can be compiled; got ${statements.length} statements`, { location });
  }
  const s = statements[0];
  const type = typeof s?.type === 'string' ? s.type : 'unknown';
  if (type.toLowerCase() !== 'select') {
    throw new FlightdeckError('unsupported', `only SELECT queries can be compiled; got ${type.toUpperCase()}`, { location });
  }
  return s;
}

/** A DISTINCT or function name we patched out must have landed on a node; otherwise it would be lost. */
function checkRewritesClaimed(input: ReturnType<typeof prepareParserInput>, cx: ConvertContext): void {
  const expected = input.distinctAt.size + input.renamedAt.size;
  if (expected === 0) return;
  const claimed = new Set(cx.claimed);
  for (const at of input.distinctAt.keys()) {
    if (!claimed.has(at)) throw new FlightdeckError('unsupported', 'unsupported construct: DISTINCT inside this function call');
  }
  for (const [at, name] of input.renamedAt) {
    if (!claimed.has(at)) throw new FlightdeckError('unsupported', `unsupported construct: ${name}(...) OVER (...) in this position`);
  }
}
