/**
 * `desensitize --suggest`: propose a Policy. Every column of the source is
 * listed; personal data found by column name and by a sample of values
 * (counted inside DuckDB) gets a masking kind with the detector, a
 * confidence and the reason; everything else is `keep`. The primary key of
 * a table of people (names, birth dates, or a people-like name), and the columns of other tables that
 * carry its values (same name, ≥ 90% of their distinct values found in the
 * key), share one pseudonym domain. Nothing is masked on a guess: a person
 * reviews the file.
 */
import { openDatabase, type Database } from '../../compiler/builds/duckdb-database.ts';
import { DETECTORS, EMBEDDED, type Detector, type DetectorId } from './detectors.ts';
import { MASK_MACROS, q } from './mask-sql.ts';
import { MAX_PINS, MAX_RANGE, MIN_STRETCH, typeClass, type ColumnPolicy, type Policy } from './policy.ts';
import { attachSource, type Source, type SourceTable } from './source.ts';

export interface Suggestion {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly detector: DetectorId | 'key' | null;
  readonly confidence: number;
  readonly reason: string;
  readonly policy: ColumnPolicy;
}

export const FULL_MATCH_SHARE = 0.8;
export const KEY_OVERLAP = 0.9;
/** detectors that make a table a table of people (its key then identifies a person) */
const PERSON_DATA: ReadonlySet<string> = new Set(['person-name', 'birth-date']);
const PERSON_TABLE = /customer|user|person|people|employee|member|patient|client|citizen|student/;

export async function suggestPolicy(options: { source: string; sample?: number }): Promise<{ policy: Policy; suggestions: Suggestion[] }> {
  const sample = Math.max(1, Math.floor(options.sample ?? 2000));
  const db = await openDatabase(':memory:');
  try {
    const source = await attachSource(db, options.source);
    await db.run(MASK_MACROS);
    const suggestions: Suggestion[] = [];
    for (const t of source.tables) suggestions.push(...(await suggestTable(db, t, sample)));
    suggestions.splice(0, suggestions.length, ...(await suggestKeys(db, source, suggestions)));
    const policy: Policy = { version: 1, tables: {} };
    for (const s of suggestions) {
      const tp = (policy.tables[s.table] ??= { columns: {} });
      tp.columns[s.column] = (s.detector ? { ...s.policy, detector: s.detector, confidence: s.confidence, reason: s.reason, type: s.type } : { ...s.policy, type: s.type }) as ColumnPolicy;
    }
    return { policy, suggestions };
  } finally {
    db.close();
  }
}

async function suggestTable(db: Database, t: SourceTable, sample: number): Promise<Suggestion[]> {
  await db.run(`CREATE OR REPLACE TEMP TABLE fd_sample AS SELECT * FROM ${t.relation} USING SAMPLE reservoir(${sample} ROWS) REPEATABLE (7)`);
  const out: Suggestion[] = [];
  for (const c of t.columns) {
    const cls = typeClass(c.type);
    const lname = c.column.toLowerCase();
    const keep = (): Suggestion => ({ table: t.name, column: c.column, type: c.type, detector: null, confidence: 0, reason: '', policy: { kind: 'keep' } });
    if (cls !== 'string') {
      const d = DETECTORS.find((x) => x.id === 'birth-date')!;
      if ((cls === 'date' || cls === 'timestamp') && d.name.test(lname)) out.push(named(t, c, d, 0.8, `column name "${c.column}" on a ${c.type} column`));
      else if (cls === 'integer' && DETECTORS.find((x) => x.id === 'national-id')!.name.test(lname)) out.push(named(t, c, DETECTORS.find((x) => x.id === 'national-id')!, 0.7, `column name "${c.column}"`));
      else out.push(keep());
      continue;
    }
    const v = `CAST(${q(c.column)} AS VARCHAR)`;
    const parts = [`count(${v}) AS n`];
    DETECTORS.forEach((d, i) => {
      if (d.value) parts.push(`count(*) FILTER (WHERE ${d.value(v)}) AS f${i}`);
      if (d.embedded) parts.push(`count(*) FILTER (WHERE ${d.embedded(v)}) AS e${i}`);
    });
    const r = (await db.all(`SELECT ${parts.join(', ')} FROM fd_sample WHERE ${q(c.column)} IS NOT NULL`))[0]!;
    const n = Number(r.n);
    let best: Suggestion | null = null;
    const consider = (s: Suggestion) => {
      if (!best || s.confidence > best.confidence) best = s;
    };
    DETECTORS.forEach((d, i) => {
      const nameHit = d.name.test(lname) || (d.id === 'person-name' && /^(name|fullname|customer_name|contact_name)$/.test(lname) && n > 0 && Number(r[`f${i}`]) / n >= FULL_MATCH_SHARE);
      const share = n && d.value ? Number(r[`f${i}`]) / n : 0;
      const embedded = n && d.embedded ? Number(r[`e${i}`]) : 0;
      const shareText = `${Math.round(share * 100)}% of ${n} sampled values`;
      if (share >= FULL_MATCH_SHARE && (nameHit || d.id !== 'person-name')) {
        consider({ ...named(t, c, d, nameHit ? 0.99 : 0.9, nameHit ? `column name and ${shareText} match` : `${shareText} match (column name says nothing)`) });
      } else if (nameHit && d.nameSuffices) {
        consider(named(t, c, d, n === 0 || !d.value ? 0.7 : 0.6, `column name "${c.column}"${d.value ? `; only ${shareText} match` : ''}`));
      } else if (embedded > 0 && EMBEDDED.includes(d)) {
        const ft = DETECTORS.find((x) => x.id === 'free-text')!;
        consider({ ...named(t, c, ft, ft.name.test(lname) ? 0.95 : 0.85, `free text: ${embedded} of ${n} sampled values contain ${d.id === 'national-id' ? 'a national id' : `an ${d.id === 'email' || d.id === 'iban' || d.id === 'ip' ? '' : ''}${d.id}`}`) });
      }
    });
    const ft = DETECTORS.find((x) => x.id === 'free-text')!;
    if (!best && ft.name.test(lname)) consider(named(t, c, ft, 0.4, `column name "${c.column}" suggests free text; no personal data found in ${n} sampled values — review`));
    out.push(best ?? keep());
  }
  return out;
}

function named(t: SourceTable, c: SourceTable['columns'][number], d: Detector, confidence: number, reason: string): Suggestion {
  return { table: t.name, column: c.column, type: c.type, detector: d.id, confidence, reason, policy: d.propose };
}

/** Keys of tables holding personal data, and the columns carrying them, get one pseudonym domain. */
async function suggestKeys(db: Database, source: Source, found: readonly Suggestion[]): Promise<Suggestion[]> {
  const out = [...found];
  const detected = found.filter((s) => s.detector && s.detector !== 'free-text');
  const personTables = new Set(detected.filter((s) => PERSON_DATA.has(s.detector!) || PERSON_TABLE.test(s.table.toLowerCase())).map((s) => s.table));
  const declared = source.kind === 'duckdb'
    ? (await db.all(`SELECT table_name, constraint_column_names AS cols, referenced_table, referenced_column_names AS refs FROM duckdb_constraints()
        WHERE database_name = 'src' AND schema_name = 'main' AND constraint_type = 'FOREIGN KEY'`)).flatMap((r) => {
        const cols = r.cols as string[];
        const refs = r.refs as string[];
        return cols.length === 1 && refs.length === 1 ? [{ table: String(r.table_name), column: cols[0]!, references: String(r.referenced_table), referencedColumn: refs[0]! }] : [];
      })
    : [];
  for (const t of source.tables) {
    if (!personTables.has(t.name)) continue;
    const key = t.primaryKey.length === 1 ? t.primaryKey[0]! : t.columns.find((c) => c.column === 'id' || c.column === `${t.name.replace(/s$/, '')}_id`)?.column;
    if (!key) continue;
    const keyType = t.columns.find((c) => c.column === key)!.type;
    if (!['integer', 'string'].includes(typeClass(keyType))) continue;
    const carriers: { table: string; relation: string; column: string }[] = [{ table: t.name, relation: t.relation, column: key }];
    const set = (table: string, column: string, confidence: number, reason: string) => {
      const i = out.findIndex((s) => s.table === table && s.column === column);
      if (i < 0 || (out[i]!.detector && out[i]!.detector !== 'key')) return false; // a detected column keeps its own masking
      out[i] = { ...out[i]!, detector: 'key', confidence, reason, policy: { kind: 'pseudonym', domain: key } };
      return true;
    };
    set(t.name, key, 0.9, `key of ${t.name}, a table of people`);
    // declared foreign keys, whatever their names
    for (const fk of declared.filter((d) => d.references === t.name && d.referencedColumn === key)) {
      const o = source.tables.find((x) => x.name === fk.table);
      if (o && set(fk.table, fk.column, 0.95, `declared foreign key to ${t.name}.${key}: same pseudonym, so joins survive`)) carriers.push({ table: o.name, relation: o.relation, column: fk.column });
    }
    // columns of the same name whose values are keys of t
    for (const o of source.tables) {
      if (o === t || carriers.some((c) => c.table === o.name && c.column === key)) continue;
      const fk = o.columns.find((c) => c.column === key && typeClass(c.type) === typeClass(keyType));
      if (!fk) continue;
      const r = (await db.all(`SELECT count(DISTINCT f.${q(key)}) AS n, count(DISTINCT f.${q(key)}) FILTER (WHERE f.${q(key)} IN (SELECT ${q(key)} FROM ${t.relation})) AS hit FROM ${o.relation} f`))[0]!;
      const overlap = Number(r.n) ? Number(r.hit) / Number(r.n) : 0;
      if (overlap >= KEY_OVERLAP && set(o.name, key, 0.9, `carries ${t.name}.${key} (same name, ${Math.round(overlap * 100)}% of its distinct values are keys of ${t.name}): same pseudonym, so joins survive`)) {
        carriers.push({ table: o.name, relation: o.relation, column: key });
      }
    }
    if (typeClass(keyType) === 'integer') {
      // integer keys are shuffled within their range: type, min, max and density stay, so plans do; each carrier's
      // own min and max are pinned (the shuffle stays between them), so a foreign key whose values stop short of the
      // key's range keeps its bounds too (a join's planner filters the other side by them)
      const bounds = await db.all(carriers.map((c) => `SELECT min(${q(c.column)}) AS lo, max(${q(c.column)}) AS hi FROM ${c.relation}`).join(' UNION ALL '));
      const los = bounds.filter((b) => b.lo !== null).map((b) => Number(b.lo));
      const his = bounds.filter((b) => b.hi !== null).map((b) => Number(b.hi));
      const [lo, hi] = [Math.min(...los), Math.max(...his)];
      if (los.length && Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && hi - lo < MAX_RANGE) {
        const pins = spacedPins([...los, ...his], lo, hi);
        for (const c of carriers) {
          const i = out.findIndex((s) => s.table === c.table && s.column === c.column);
          if (out[i]!.detector === 'key') out[i] = { ...out[i]!, policy: { kind: 'pseudonym', domain: key, range: [lo, hi], ...(pins.length <= MAX_PINS ? { pins } : {}) } };
        }
      }
    }
  }
  return out;
}

/**
 * The pins a key's shuffle keeps, so that no stretch between two of them is
 * short: the shuffle moves an id only within its stretch, so a stretch of one
 * value keeps its id under every key and a stretch of a few nearly does. A
 * carrier's bound closer than MIN_STRETCH values to a pin already kept is left
 * unpinned (that carrier may then get another min or max with some keys); the
 * range's own ends are kept first.
 */
export function spacedPins(bounds: readonly number[], lo: number, hi: number): number[] {
  const wanted = [...new Set(bounds)].filter((x) => x > lo && x < hi).toSorted((a, b) => a - b);
  const kept = [lo];
  for (const x of wanted) if (x - kept.at(-1)! > MIN_STRETCH && hi - x > MIN_STRETCH) kept.push(x);
  if (hi !== lo) kept.push(hi);
  return kept;
}
