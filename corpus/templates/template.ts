/**
 * A Template: every log entry with the same fingerprint. The representative
 * SQL is the first entry seen (a real query, runnable as it is).
 */
import type { SourcePosition } from '../logs/types.ts';

export interface Template {
  readonly fingerprint: string;
  /** the template text, `?` for constants */
  readonly normalized: string;
  /** one representative query (the first seen) */
  readonly sql: string;
  readonly count: number;
  /** entries whose status was not ok */
  readonly errorCount: number;
  /** the first failed entry's error message, where the log gives one */
  readonly firstError?: string | null;
  readonly totalDurationMs: number;
  /** null when no entry had a duration */
  readonly meanDurationMs: number | null;
  /** share of executions, 0..1 — the weight impact is scaled by */
  readonly weight: number;
  /** share of total logged duration, 0..1 (Oracle SPA's elapsed-time weighting) */
  readonly durationShare: number;
  readonly users: readonly string[];
  readonly projects: readonly string[];
  readonly priorities: readonly number[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly firstSource: SourcePosition;
}
