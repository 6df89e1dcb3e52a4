/**
 * Structural equality of plans: same operators, same arguments, same
 * children; estimates (`est`) and keys holding `undefined` are ignored.
 * The join reorderer uses it to return its input untouched when the order
 * it chose is the one already there.
 */
export function samePlan(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => samePlan(x, bs[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = keys(ra);
  const kb = keys(rb);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(rb, k) && samePlan(ra[k], rb[k]));
}

/** The keys that count: not `est`, not holding `undefined`. */
function keys(r: Record<string, unknown>): string[] {
  return Object.keys(r).filter((k) => k !== 'est' && r[k] !== undefined);
}
