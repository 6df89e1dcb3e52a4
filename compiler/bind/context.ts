/**
 * State shared by one `bindQuery` call: the catalog, the column-id counter
 * (starts at 1, one per call, so binding is deterministic) and the error
 * helpers every binder file uses.
 */
import { FlightdeckError, type ErrorCode } from '../errors.ts';
import type { SourceLocation } from '../ir/ast.ts';
import type { Catalog } from '../ir/catalog.ts';
import type { ColumnRef } from '../ir/plan.ts';
import type { TypeName } from '../ir/types.ts';

export interface BindContext {
  readonly catalog: Catalog;
  /** a fresh plan-unique column id */
  newId(): number;
}

export function createBindContext(catalog: Catalog): BindContext {
  let next = 1;
  return { catalog, newId: () => next++ };
}

/**
 * A context with its own id counter, for binding something only to check it
 * (an unreferenced CTE) without consuming ids of the real plan.
 */
export function scratchContext(ctx: BindContext): BindContext {
  let next = 1;
  return { catalog: ctx.catalog, newId: () => next++ };
}

export function bindError(code: ErrorCode, message: string, loc?: SourceLocation): FlightdeckError {
  return new FlightdeckError(code, message, loc ? { location: { line: loc.line, column: loc.column } } : {});
}

/** `1 item`, `3 items`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function columnRef(c: { readonly id: number; readonly name: string; readonly type: TypeName }): ColumnRef {
  return { kind: 'column', id: c.id, name: c.name, type: c.type };
}
