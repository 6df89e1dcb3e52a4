/**
 * What the dashboard may show of a template: only masked data. A workload
 * whose literals were masked at import (`corpus import --policy`, `corpus
 * desensitize`) is shown as stored. Any other workload may hold real values
 * in its literals, and they reach its plans too (`filters=[email='…']`), so
 * the template is shown by its normalized text (literals as `?`) and every
 * quoted literal in its plans, diffs and error messages is blanked. A flight
 * flown with `--allow-unmasked` ran on data nobody masked: its sample rows
 * are not shown (the differing columns and counts are).
 */
import type { FlightResultRecord, OutcomeRecord, StoredTemplate } from '../store/records.ts';
import type { TemplateInfo } from './api-types.ts';

/** a quoted SQL string literal (with '' inside), as plans and messages print them */
const QUOTED = /'(?:[^']|'')*'/g;

export function hideLiterals(text: string): string;
export function hideLiterals(text: string | null): string | null;
export function hideLiterals(text: string | null): string | null {
  return text === null ? null : text.replace(QUOTED, "'…'");
}

export function shownOutcome(o: OutcomeRecord, masked: boolean): OutcomeRecord {
  if (masked) return o;
  const error = (e: OutcomeRecord['baseError']) => (e ? { ...e, message: hideLiterals(e.message) } : null);
  return {
    ...o, reason: hideLiterals(o.reason), baseSimplified: hideLiterals(o.baseSimplified), headSimplified: hideLiterals(o.headSimplified),
    baseExplain: hideLiterals(o.baseExplain), headExplain: hideLiterals(o.headExplain), baseError: error(o.baseError), headError: error(o.headError),
  };
}

export function shownTemplate(t: StoredTemplate, masked: boolean): TemplateInfo {
  return {
    fingerprint: t.fingerprint, sql: masked ? t.sql : t.normalized, normalized: t.normalized, literals: masked ? 'masked' : 'hidden', count: t.count,
    errorCount: t.errorCount, firstError: t.firstError === undefined || t.firstError === null ? null : masked ? t.firstError : hideLiterals(t.firstError),
    weight: t.weight, users: t.users, source: t.source,
  };
}

export function shownFlight(f: FlightResultRecord | null, unmaskedData: boolean): FlightResultRecord | null {
  if (!f || !unmaskedData || !f.mismatch || typeof f.mismatch !== 'object') return f;
  const { sampleRows: _, ...rest } = f.mismatch as Record<string, unknown>;
  return { ...f, mismatch: { ...rest, sampleRowsHidden: 'flown with --allow-unmasked: the data was not desensitized, so no rows are shown' } };
}
