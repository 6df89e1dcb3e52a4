/**
 * Compile time, measured so that one noisy compile cannot decide a verdict:
 * when the head's first compile is slower than the base's beyond the
 * threshold and the noise floor, both builds compile the query again a few
 * times, interleaved (base, head, base, head…) so a busy moment hits both,
 * and the medians of those repeats decide. The first compile is left out of
 * the medians: it carries the warm-up (caches, JIT) the repeats do not.
 */
import type { Build, CompileResult } from '../compiler/builds/build.ts';
import { DEFAULT_COMPILE_REPEATS } from './defaults.ts';
import { compileSlower, DEFAULT_THRESHOLDS, type CompileTimes, type CostThresholds } from './verdict.ts';

export async function measureCompileTimes(
  base: Pick<Build, 'compile'>,
  head: Pick<Build, 'compile'>,
  sql: string,
  first: { readonly base: CompileResult; readonly head: CompileResult },
  thresholds: CostThresholds = DEFAULT_THRESHOLDS,
  repeats = DEFAULT_COMPILE_REPEATS,
): Promise<CompileTimes> {
  const once: CompileTimes = { baseMs: first.base.timingMs, headMs: first.head.timingMs, samples: 1 };
  if (!first.base.ok || !first.head.ok || !compileSlower(once, thresholds)) return once;
  const baseMs: number[] = [];
  const headMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const b = await base.compile(sql);
    const h = await head.compile(sql);
    // a repeat that fails (a timeout on a busy machine) measures nothing: keep what was measured
    if (!b.ok || !h.ok) break;
    baseMs.push(b.timingMs);
    headMs.push(h.timingMs);
  }
  if (!baseMs.length) return once;
  return { baseMs: median(baseMs), headMs: median(headMs), samples: baseMs.length };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
