/**
 * How the dashboard draws each verdict: a tone (bad, good, changed, warn,
 * same) that picks its colour, and its order in lists (worst first). Typed
 * against the store's Verdict union, so a new verdict fails the typecheck
 * here until it is given a tone. Meanings and policy live in the server's
 * verdict table; this file only decides looks.
 */
import type { Verdict } from '../../store/records.ts';

export type Tone = 'bad' | 'warn' | 'changed' | 'good' | 'same';

const TONES: Record<Verdict, Tone> = {
  'result-mismatch': 'bad',
  crash: 'bad',
  'new-error': 'bad',
  regressed: 'bad',
  slower: 'bad',
  timeout: 'bad',
  resource: 'bad',
  'slower-compile': 'warn',
  nondeterministic: 'warn',
  inconclusive: 'warn',
  'not-executable': 'warn',
  'both-error': 'warn',
  'plan-changed': 'changed',
  improved: 'good',
  faster: 'good',
  'fixed-error': 'good',
  identical: 'same',
  same: 'same',
};

const ORDER = Object.keys(TONES) as Verdict[];

export function toneOf(verdict: string): Tone {
  return (TONES as Record<string, Tone>)[verdict] ?? 'warn';
}

/** worst first; unknown verdicts after the known ones */
export function verdictRank(verdict: string): number {
  const i = ORDER.indexOf(verdict as Verdict);
  return i < 0 ? ORDER.length : i;
}

/** the CSS colour of a tone (kept in sync with styles.css --tone-* for charts, which need literal colours) */
export const TONE_COLOURS: Record<Tone, string> = {
  bad: '#cf222e',
  warn: '#bf8700',
  changed: '#0969da',
  good: '#1a7f37',
  same: '#8c959f',
};
