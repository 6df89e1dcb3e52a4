/**
 * Schema names as the log's server wrote them → as the catalog knows them.
 * A PostgreSQL query names `public.orders`; a DuckDB catalog holds the same
 * table as `main.orders`. The import rewrites the schema part of qualified
 * names once, in the stored template SQL, so every build (reference, duckdb,
 * command) compiles the same text.
 *
 * The rewrite walks the project's SQL tokens (compiler/parse/sql-lexer.ts)
 * and maps only what must be a schema: the first part of a qualified *table
 * reference* `schema.table` (after FROM, JOIN, INTO, UPDATE, USING, TABLE,
 * ONLY, COPY, TRUNCATE, REFERENCES, or a comma of a FROM list), or of a
 * three-part `schema.table.column` anywhere. A two-part name in an
 * expression is `alias.column` (a table or alias may be called `public`),
 * and string literals, comments and unqualified tables are never touched. A quoted schema (`"public"`) matches with its case, as in
 * PostgreSQL; an unquoted one in any case. Mapping to nothing drops the
 * qualifier (`public=` turns `public.t` into `t`).
 */
import { FlightdeckError } from '../../compiler/errors.ts';
import { lexSql, type SqlToken } from '../../compiler/parse/sql-lexer.ts';

/** lower-case source schema → target schema ('' drops the qualifier) */
export type SchemaMap = ReadonlyMap<string, string>;

/** PostgreSQL's default schema is DuckDB's `main`. */
export const DEFAULT_SCHEMA_MAP: SchemaMap = new Map([['public', 'main']]);

const NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * `public=main,sales=main` (pairs), `public=` (drop the qualifier) or
 * `none` (no mapping).
 */
export function parseSchemaMap(text: string, option = '--schema-map'): SchemaMap {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return new Map();
  const map = new Map<string, string>();
  for (const pair of trimmed.split(',')) {
    const eq = pair.indexOf('=');
    const from = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const to = eq < 0 ? null : pair.slice(eq + 1).trim();
    if (to === null || !NAME.test(from) || (to !== '' && !NAME.test(to))) {
      throw new FlightdeckError('usage-error', `${option} takes from=to schema pairs (e.g. public=main,sales=main; public= drops the qualifier) or none; got '${pair.trim()}'`);
    }
    if (map.has(from.toLowerCase())) throw new FlightdeckError('usage-error', `${option} maps schema '${from}' twice`);
    map.set(from.toLowerCase(), to);
  }
  return map;
}

/** PostgreSQL's search_path as a map: every schema on it is where the catalog's default schema is. */
export function searchPathMap(text: string, target = 'main'): SchemaMap {
  const map = new Map<string, string>();
  for (const raw of text.split(',')) {
    const s = raw.trim().replace(/^"(.*)"$/, '$1');
    if (s === '$user') continue;
    if (!NAME.test(s)) throw new FlightdeckError('usage-error', `--search-path takes schema names separated by commas (e.g. app,public); got '${raw.trim()}'`);
    map.set(s.toLowerCase(), target);
  }
  return map;
}

/** Both maps; a schema mapped differently by each is an error. */
export function mergeSchemaMaps(a: SchemaMap, b: SchemaMap): SchemaMap {
  const out = new Map(a);
  for (const [from, to] of b) {
    const had = out.get(from);
    if (had !== undefined && had !== to) throw new FlightdeckError('usage-error', `schema '${from}' is mapped to '${had}' and to '${to}'; give one mapping`);
    out.set(from, to);
  }
  return out;
}

export function describeSchemaMap(map: SchemaMap): string {
  return [...map].map(([from, to]) => `${from} → ${to === '' ? '(unqualified)' : to}`).join(', ');
}

/** A cheap test per map: only SQL that mentions a source schema is tokenized. */
const PREFILTERS = new WeakMap<SchemaMap, RegExp | null>();

function prefilter(map: SchemaMap): RegExp | null {
  let re = PREFILTERS.get(map);
  if (re === undefined) {
    re = map.size === 0 ? null : new RegExp([...map.keys()].join('|'), 'i');
    PREFILTERS.set(map, re);
  }
  return re;
}

/** words after which a name is a table reference */
const TABLE_BEFORE = new Set(['from', 'join', 'into', 'update', 'using', 'table', 'only', 'copy', 'truncate', 'references']);
/** words that start a FROM/USING list, whose commas are followed by table references */
const LIST_START = new Set(['from', 'using']);
/**
 * words that end a FROM/USING list at its depth (its closing parenthesis
 * does too). Not ON: a join condition is part of the list, and a comma after
 * it at the list's depth is followed by the next table (`a JOIN b ON … , c`);
 * the condition's own commas are inside parentheses.
 */
const LIST_END = new Set(['where', 'group', 'having', 'window', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'fetch', 'for', 'returning', 'set', 'values', 'select']);
/** functions whose arguments hold a FROM that is not a table list (`extract(year from t.d)`) */
const FROM_FUNCTIONS = new Set(['extract', 'substring', 'substr', 'trim', 'overlay', 'position', 'normalize']);

/** `sql` with the schema part of qualified table references mapped; the same string when nothing is mapped. */
export function mapSchemas(sql: string, map: SchemaMap): string {
  const re = prefilter(map);
  if (re === null || !re.test(sql)) return sql;
  const tokens = lexSql(sql);
  let out = '';
  let from = 0;
  // the word before each open parenthesis, and the depths inside a FROM/USING list
  const openers: string[] = [];
  const lists = new Set<number>();
  let tableNext = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const prevWord = prev?.kind === 'word' ? prev.value.toLowerCase() : '';
    const depth = openers.length;
    const isTable = tableNext;
    tableNext = false;
    if (t.kind === 'op') {
      // brackets nest like parentheses: an array's commas are no FROM list's (`ON a.x = ARRAY[1, t.y], c`)
      if (t.value === '(' || t.value === '[') openers.push(t.value === '(' ? prevWord : '[');
      else if (t.value === ')' || t.value === ']') {
        lists.delete(depth);
        openers.pop();
      } else if (t.value === ';') {
        openers.length = 0;
        lists.clear();
      } else if (t.value === ',' && lists.has(depth)) tableNext = true;
      continue;
    }
    if (t.kind === 'word') {
      const w = t.value.toLowerCase();
      // `extract(year FROM x)`, `a IS DISTINCT FROM b`: not a table list
      const notTables = w === 'from' && ((depth > 0 && FROM_FUNCTIONS.has(openers[depth - 1]!)) || prevWord === 'distinct');
      if (TABLE_BEFORE.has(w) && !notTables) {
        tableNext = true;
        if (LIST_START.has(w)) lists.add(depth);
        continue;
      }
      if (LIST_END.has(w)) lists.delete(depth);
    }
    if (i + 2 >= tokens.length) continue;
    const target = schemaTarget(t, map);
    if (target === undefined || !isDot(tokens[i + 1]!) || !isName(tokens[i + 2]!)) continue;
    const threePart = i + 4 < tokens.length && isDot(tokens[i + 3]!) && isName(tokens[i + 4]!);
    if (!isTable && !threePart) continue;
    out += sql.slice(from, t.start);
    if (target === '') from = tokens[i + 1]!.end;
    else {
      out += t.kind === 'quoted' ? `"${target}"` : target;
      from = t.end;
    }
    i += 2;
  }
  return from === 0 ? sql : out + sql.slice(from);
}

function schemaTarget(t: SqlToken, map: SchemaMap): string | undefined {
  if (t.kind === 'word') return map.get(t.value.toLowerCase());
  // a quoted name keeps its case: "public" is public, "Public" is another schema
  if (t.kind === 'quoted' && t.value === t.value.toLowerCase()) return map.get(t.value);
  return undefined;
}

function isDot(t: SqlToken): boolean {
  return t.kind === 'op' && t.value === '.';
}

function isName(t: SqlToken): boolean {
  return t.kind === 'word' || t.kind === 'quoted';
}
