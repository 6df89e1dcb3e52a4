/**
 * Limits on how deeply a query may nest, checked before anything recursive
 * sees it, so that a hostile or generated query gets a located `too-deep`
 * error instead of a stack overflow (or an `internal-error`).
 *
 * - `checkNesting` (before node-sql-parser): parentheses and CASE … END
 *   nesting, from the tokens. node-sql-parser's PEG parser recurses about
 *   two dozen rules per level and overflows the default stack at ~600
 *   parentheses, ~600 nested subqueries or ~350 nested CASEs.
 * - `checkTreeDepth` (after it, before our converter): the depth of its
 *   AST, measured without recursion. Operator chains (`a + b + … `, `x AND
 *   y AND …`) and prefix operators (`NOT NOT …`, `- - …`) parse in a loop
 *   but become trees as deep as they are long; the converter, binder, rules
 *   and printer recurse over them and overflowed at 3,000–5,000 terms.
 *
 * Both limits sit well below where the default stack (~1 MB) overflows.
 */
import { FlightdeckError } from '../errors.ts';
import type { SqlToken } from './sql-lexer.ts';
import { shorten } from './syntax-error.ts';

/** Parentheses + CASE … END levels one query may nest (PostgreSQL's own limit is stack-based, ~1,000s). */
export const MAX_NESTING = 200;
/** Depth of node-sql-parser's AST (nodes with a `type`): an operator chain of ~1,500 terms. */
export const MAX_TREE_DEPTH = 1500;

/**
 * Throws `too-deep` at the token where parentheses/CASE nesting passes
 * MAX_NESTING, or where a run of prefix operators (`NOT NOT …`, `- - …`)
 * passes MAX_TREE_DEPTH (so such a run is located, which its AST is not).
 */
export function checkNesting(sql: string, tokens: readonly SqlToken[]): void {
  let depth = 0;
  let run = 0;
  let runOp = '';
  for (const t of tokens) {
    const lower = t.kind === 'word' && t.value.length <= 4 ? t.value.toLowerCase() : '';
    const prefix = lower === 'not' ? 'not' : t.kind === 'op' && (t.value === '-' || t.value === '+' || t.value === '~') ? t.value : '';
    run = prefix && prefix === runOp ? run + 1 : prefix ? 1 : 0;
    runOp = prefix;
    if (run > MAX_TREE_DEPTH) {
      throw new FlightdeckError('too-deep', `the query chains more than ${MAX_TREE_DEPTH} prefix operators (${prefix.toUpperCase()} ${prefix.toUpperCase()} ...); simplify it`, {
        location: { ...lineColumn(sql, t.start), query: shorten(sql) },
      });
    }
    const opens = t.kind === 'op' ? t.value === '(' : lower === 'case';
    if (opens) {
      if (++depth > MAX_NESTING) {
        throw new FlightdeckError('too-deep', `the query nests parentheses, subqueries or CASE more than ${MAX_NESTING} levels deep; flatten it (e.g. a CTE or a join)`, {
          location: { ...lineColumn(sql, t.start), query: shorten(sql) },
        });
      }
    } else if (t.kind === 'op' ? t.value === ')' : lower === 'end') {
      if (depth > 0) depth--;
    }
  }
}

/** Throws `too-deep` when node-sql-parser's AST nests more than MAX_TREE_DEPTH nodes (iterative walk). */
export function checkTreeDepth(sql: string, root: unknown): void {
  type Where = { line: number; column: number } | undefined;
  const stack: { value: unknown; depth: number; at: Where }[] = [{ value: root, depth: 0, at: undefined }];
  while (stack.length) {
    const { value, depth, at: above } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    const isNode = !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
    const here = isNode ? depth + 1 : depth;
    // the innermost node node-sql-parser gave a location, for the error
    const start = (value as { loc?: { start?: { line?: unknown; column?: unknown } } }).loc?.start;
    const at: Where = typeof start?.line === 'number' && typeof start.column === 'number' ? { line: start.line, column: start.column } : above;
    if (here > MAX_TREE_DEPTH) {
      throw new FlightdeckError(
        'too-deep',
        `the query's expressions nest more than ${MAX_TREE_DEPTH} levels deep (a chain of ~${MAX_TREE_DEPTH} operators or NOTs); split it (e.g. IN (...) instead of a chain of OR)`,
        { location: { ...at, query: shorten(sql) } },
      );
    }
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'loc' && typeof child === 'object' && child !== null) stack.push({ value: child, depth: here, at });
    }
  }
}

/** A stack overflow caught as a last resort: the query was too deep for some recursive pass. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

export function tooDeep(sql: string, phase: string, cause: unknown): FlightdeckError {
  return new FlightdeckError('too-deep', `the query is nested too deeply to ${phase} (stack exhausted); flatten it`, { location: { query: shorten(sql) }, cause });
}

function lineColumn(sql: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = sql.indexOf('\n'); i >= 0 && i < offset; i = sql.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
