/**
 * Shared state and helpers for converting node-sql-parser's AST into ours
 * (compiler/ir/ast.ts) in one pass.
 */
import { FlightdeckError } from '../errors.ts';
import type { SourceLocation } from '../ir/ast.ts';
import type { NameNormalizer } from './identifier-case.ts';
import type { ParserInput } from './rewrite-sql.ts';

/**
 * A node of node-sql-parser's AST. Its published types are incomplete and
 * differ between dialects, so the converter reads it as loose data and checks
 * every field it relies on; anything unexpected becomes `unsupported`.
 */
export type Raw = any;

export interface ConvertContext {
  /** lower-cases a name whose quotes the parser dropped, unless it was quoted */
  readonly normalizeName: NameNormalizer;
  readonly input: ParserInput;
  /** offsets from `input.distinctAt` / `input.renamedAt` that a node claimed */
  readonly claimed: Set<number>;
}

export function unsupported(construct: string): FlightdeckError {
  return new FlightdeckError('unsupported', `unsupported construct: ${construct}`);
}

/** True for values that mean "clause absent" in node-sql-parser's output. */
export function isAbsent(v: unknown): boolean {
  return v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Throws `unsupported` if `node` carries a non-empty field outside `known`:
 * a clause the parser understood but we would otherwise drop silently.
 */
export function rejectUnknownKeys(node: Raw, known: ReadonlySet<string>, what: string): void {
  for (const key in node) {
    if (known.has(key) || isAbsent(node[key])) continue;
    throw unsupported(`${key.replace(/_/g, ' ').toUpperCase()} in ${what}`);
  }
}

/** An identifier node `{ type, value }` or a bare string: quoted ones keep their case. */
export function identifierName(node: Raw, cx: ConvertContext): string {
  if (typeof node === 'string') return cx.normalizeName(node);
  if (node && typeof node === 'object') {
    const value = node.value;
    if (typeof value === 'string') {
      const t = node.type;
      if (t === 'double_quote_string' || t === 'backticks_quote_string') return value;
      return t === 'default' || t === 'origin' ? value.toLowerCase() : cx.normalizeName(value);
    }
    if (typeof value === 'number') return String(value);
  }
  throw unsupported(`identifier ${describe(node)}`);
}

/** 1-based line/column of a parser `loc`, when present. */
export function sourceLocation(node: Raw): SourceLocation | undefined {
  const start = node?.loc?.start;
  if (!start || typeof start.line !== 'number' || typeof start.column !== 'number') return undefined;
  return { line: start.line, column: start.column };
}

/** Start offset of a parser `loc`, or -1. */
export function startOffset(node: Raw): number {
  const offset = node?.loc?.start?.offset;
  return typeof offset === 'number' ? offset : -1;
}

/** A short description of a raw node for error messages. */
export function describe(node: Raw): string {
  if (node === null || node === undefined) return 'empty expression';
  if (typeof node !== 'object') return JSON.stringify(node);
  if (typeof node.type === 'string') return node.type.replace(/_/g, ' ');
  return 'expression';
}

/** The elements of an `expr_list` (or a single expression) as an array. */
export function listItems(node: Raw): Raw[] {
  if (node === null || node === undefined) return [];
  if (Array.isArray(node)) return node;
  if (node.type === 'expr_list') return Array.isArray(node.value) ? node.value : [];
  return [node];
}
