/**
 * Which log entries an import keeps, by database, user and application:
 * `--database shop --database crm` keeps the entries of either, and
 * `--exclude-user postgres` drops that user's. Include filters need the
 * field: an entry without it (a stderr prefix without `%d`, a JSON log
 * without the key) is dropped and counted apart, so the report can say why.
 * An entry dropped by several filters counts against the first, in the
 * order of FILTER_FIELDS, includes before excludes.
 */
import type { LogEntry } from './types.ts';

export type FilterField = 'database' | 'user' | 'application';

export const FILTER_FIELDS: readonly FilterField[] = ['database', 'user', 'application'];

export interface RecordFilterOptions {
  readonly include?: Partial<Record<FilterField, readonly string[]>>;
  readonly exclude?: Partial<Record<FilterField, readonly string[]>>;
}

export interface FilterCount {
  /** the flag as typed: `--database`, `--exclude-user` */
  readonly flag: string;
  readonly values: readonly string[];
  /** entries this filter dropped (the field did not match, or matched an exclusion) */
  readonly dropped: number;
  /** of those, entries without the field at all (include filters only) */
  readonly missing: number;
}

export interface RecordFilter {
  keep(entry: LogEntry): boolean;
  counts(): FilterCount[];
}

function fieldOf(entry: LogEntry, field: FilterField): string | undefined {
  return field === 'database' ? entry.project : field === 'user' ? entry.user : entry.application;
}

/** A filter over entries, or null when no filter was asked for. */
export function createRecordFilter(options: RecordFilterOptions): RecordFilter | null {
  interface Rule {
    flag: string;
    field: FilterField;
    values: Set<string>;
    include: boolean;
    dropped: number;
    missing: number;
  }
  const rules: Rule[] = [];
  for (const include of [true, false]) {
    for (const field of FILTER_FIELDS) {
      const values = (include ? options.include : options.exclude)?.[field];
      if (values?.length) rules.push({ flag: `--${include ? '' : 'exclude-'}${field}`, field, values: new Set(values), include, dropped: 0, missing: 0 });
    }
  }
  if (!rules.length) return null;
  return {
    keep(entry) {
      for (const r of rules) {
        const v = fieldOf(entry, r.field);
        if (r.include ? v === undefined || !r.values.has(v) : v !== undefined && r.values.has(v)) {
          r.dropped++;
          if (v === undefined) r.missing++;
          return false;
        }
      }
      return true;
    },
    counts: () => rules.map((r) => ({ flag: r.flag, values: [...r.values], dropped: r.dropped, missing: r.missing })),
  };
}

/** `--database shop,crm: 1,234 dropped (12 had no database in the log)`, one per filter. */
export function describeFilterCounts(counts: readonly FilterCount[]): string[] {
  return counts.map((c) => {
    const field = c.flag.replace(/^--(?:exclude-)?/, '');
    const none = c.missing ? ` (${c.missing.toLocaleString('en-US')} had no ${field}${field === 'application' ? ' name' : ''} in the log)` : '';
    return `${c.flag} ${c.values.join(',')}: ${c.dropped.toLocaleString('en-US')} dropped${none}`;
  });
}
