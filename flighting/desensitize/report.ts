/**
 * The masking report: what was applied to every column and the evidence —
 * before/after statistics, checks, the leak scan and (when asked) plan
 * fidelity — as JSON and Markdown beside the snapshot. It never holds an
 * original value of a masked column: their source min/max are withheld, the
 * top-k are shares without values, the leak scan gives counts. It never
 * holds the key.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { LeakScan } from './leak-scan.ts';
import { typeClass, type ColumnPolicy, type MaskKind, type Policy } from './policy.ts';
import type { Source } from './source.ts';
import type { ColumnStats } from './stats.ts';

/** kinds that keep distinct values distinct (the distinct count must stay within 1%) */
export const INJECTIVE: ReadonlySet<MaskKind> = new Set(['keep', 'pseudonym', 'email', 'phone', 'card', 'iban', 'name', 'address']);
export const DISTINCT_TOLERANCE = 0.01;

export interface ColumnReport {
  readonly column: string;
  readonly policy: Omit<ColumnPolicy, 'detector' | 'confidence' | 'reason' | 'type'>;
  readonly before: ColumnStats;
  readonly after: ColumnStats | null;
  readonly checks: { readonly rows: boolean; readonly nullFraction: boolean; readonly distinct: boolean | null };
}

export interface FidelityReport {
  readonly workload: string;
  readonly build: string;
  readonly templates: number;
  readonly identical: number;
  readonly share: number;
  /** statistics: the moved statistics of the columns the template names (no values), when any moved */
  readonly changed: readonly { readonly template: string; readonly reason: string; readonly statistics?: readonly string[] }[];
}

export interface MaskingReport {
  readonly kind: 'masking-report';
  readonly version: 1;
  readonly createdAt: string;
  readonly source: { readonly kind: Source['kind']; readonly path: string };
  readonly snapshot: string;
  /** sha256 of the snapshot file as written (absent on a refused snapshot's report) */
  readonly snapshotSha256?: string;
  readonly tables: readonly { readonly table: string; readonly columns: readonly ColumnReport[] }[];
  readonly summary: { readonly columns: number; readonly masked: number; readonly dropped: number; readonly checksFailed: readonly string[] };
  readonly leakScan: LeakScan;
  readonly fidelity?: readonly FidelityReport[];
}

export function buildReport(input: {
  source: Source;
  policy: Policy;
  snapshot: string;
  before: Record<string, Record<string, ColumnStats>>;
  after: Record<string, Record<string, ColumnStats>>;
  leakScan: LeakScan;
}): MaskingReport {
  const failed: string[] = [];
  let masked = 0;
  let dropped = 0;
  let count = 0;
  const tables = input.source.tables.map((t) => ({
    table: t.name,
    columns: t.columns.map((c): ColumnReport => {
      count++;
      const { detector: _d, confidence: _c, reason: _r, type: _t, ...policy } = input.policy.tables[t.name]!.columns[c.column]!;
      if (policy.kind !== 'keep') masked++;
      if (policy.kind === 'drop') dropped++;
      const b = input.before[t.name]![c.column]!;
      const after = input.after[t.name]?.[c.column] ?? null;
      const before = policy.kind === 'keep' ? b : withheld(b);
      // a fake date or string may equal someone's original (any date is somebody's birthday): only numbers keep their range
      const a = after && policy.kind !== 'keep' && !['integer', 'decimal', 'float'].includes(typeClass(c.type)) ? withheld(after) : after;
      const checks = {
        rows: a === null || a.rows === b.rows,
        nullFraction: a === null || (policy.kind === 'null' ? a.nullFraction === 1 || a.rows === 0 : a.nullFraction === b.nullFraction),
        distinct: a === null || !INJECTIVE.has(policy.kind) ? null : Math.abs(a.distinct - b.distinct) <= DISTINCT_TOLERANCE * b.distinct,
      };
      for (const [name, ok] of Object.entries(checks)) if (ok === false) failed.push(`${t.name}.${c.column}: ${name}`);
      return { column: c.column, policy, before, after: a, checks };
    }),
  }));
  return {
    kind: 'masking-report', version: 1, createdAt: new Date().toISOString(),
    source: { kind: input.source.kind, path: input.source.path }, snapshot: input.snapshot,
    tables, summary: { columns: count, masked, dropped, checksFailed: failed }, leakScan: input.leakScan,
  };
}

/** a masked column's source min/max are original values: withheld */
function withheld(s: ColumnStats): ColumnStats {
  const { min: _min, max: _max, ...rest } = s;
  return rest;
}

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
const options = (p: ColumnReport['policy']) => {
  const { kind, ...rest } = p as { kind: string } & Record<string, unknown>;
  const o = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v).replaceAll('|', '\\|') : String(v)}`).join(' ');
  return o ? `${kind} (${o})` : kind;
};

const len = (s: ColumnStats | null) => (s?.length ? `${s.length.p50}/${s.length.p90}` : '–');

export function renderMarkdown(r: MaskingReport): string {
  const lines = [
    `# Masking report`, '',
    `Source: ${r.source.kind} \`${r.source.path}\` → snapshot \`${r.snapshot}\`, ${r.createdAt}.`, '',
    `${r.summary.columns} columns, ${r.summary.masked} masked (${r.summary.dropped} dropped). Checks failed: ${r.summary.checksFailed.length ? r.summary.checksFailed.join(', ') : 'none'}.`, '',
    `## Leak scan`, '',
    `${r.leakScan.secrets} distinct original values of ${r.leakScan.secretColumns} masked text/date columns (${r.leakScan.tooShort} shorter than 4 characters or plain numbers of up to 6 digits not scanned) searched in ${r.leakScan.targetsScanned} string columns of the snapshot, whole and as substrings at token boundaries: **${r.leakScan.leaks} leaks**${r.leakScan.coincidences ? ` (and ${r.leakScan.coincidences} coincidences: a format-preserving fake equal to another row's original, never the row's own)` : ''}.`,
    ...r.leakScan.hits.map((h) => `- ${h.table}.${h.column}: ${h.rows} rows hold ${h.secrets} original values${h.coincidences ? `, ${h.coincidences} of them coincidences` : ''}`), '',
  ];
  for (const f of r.fidelity ?? []) {
    lines.push(`## Fidelity: ${f.build}`, '', `Workload \`${f.workload}\`: ${f.identical} of ${f.templates} templates (${pct(f.share)}) get the identical plan (literal values aside) on the snapshot's catalog, with masked literals, as on the source's.`, '');
    for (const c of f.changed) lines.push(`- ${c.template}: ${c.reason}${c.statistics?.length ? `; statistics moved: ${c.statistics.join('; ')}` : ''}`);
    if (f.changed.length) lines.push('');
  }
  lines.push('## Columns', '', '| table.column | masking | rows | nulls before → after | distinct before → after | length p50/p90 before → after | top-5 shares after | checks |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of r.tables) {
    for (const c of t.columns) {
      const a = c.after;
      const ok = Object.entries(c.checks).filter(([, v]) => v !== null).map(([k, v]) => (v ? k : `**${k} FAILED**`)).join(', ');
      lines.push(`| ${t.table}.${c.column} | ${options(c.policy)} | ${c.before.rows} | ${pct(c.before.nullFraction)} → ${a ? pct(a.nullFraction) : 'dropped'} | ${c.before.distinct} → ${a ? a.distinct : '–'} | ${len(c.before)} → ${len(a)} | ${a ? a.topShares.map(pct).join(' ') : '–'} | ${ok} |`);
    }
  }
  lines.push('', 'Min/max of masked columns are withheld — in the source they are original values, and a fake date or string may equal somebody\'s original — except the masked range of numbers; top-k are shares of non-null rows, without values.', '');
  return lines.join('\n');
}

export function writeReportFiles(r: MaskingReport, paths: { json: string; md: string }): string[] {
  for (const [path, text] of [[paths.json, JSON.stringify(r, null, 2) + '\n'], [paths.md, renderMarkdown(r)]] as const) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return [paths.json, paths.md];
}
