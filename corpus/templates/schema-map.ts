/**
 * Schema names as the log's server wrote them → as the catalog knows them.
 * A PostgreSQL query names `public.orders`; a DuckDB catalog holds the same
 * table as `main.orders`. The import rewrites the schema part of qualified
 * names once, in the stored template SQL, so every build (reference, duckdb,
 * command) compiles the same text.
 *
 * The rewrite walks the project's SQL tokens (compiler/parse/sql-lexer.ts):
 * only a name followed by `.` and another name is a schema, so string
 * literals, comments, column names (`t.public`) and unqualified tables are
 * never touched. A quoted schema (`"public"`) matches with its case, as in
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

/** `sql` with the schema part of qualified names mapped; the same string when nothing is mapped. */
export function mapSchemas(sql: string, map: SchemaMap): string {
  const re = prefilter(map);
  if (re === null || !re.test(sql)) return sql;
  const tokens = lexSql(sql);
  let out = '';
  let from = 0;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i]!;
    const target = schemaTarget(t, map);
    if (target === undefined || !isDot(tokens[i + 1]!) || !isName(tokens[i + 2]!)) continue;
    out += sql.slice(from, t.start);
    if (target === '') from = tokens[i + 1]!.end;
    else {
      out += t.kind === 'quoted' ? `"${target}"` : target;
      from = t.end;
    }
    i++;
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
