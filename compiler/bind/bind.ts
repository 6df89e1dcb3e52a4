/**
 * The binder: a parsed query (AstQuery) + a Catalog → the logical Plan of
 * compiler/ir/plan.ts, keeping its invariants:
 *
 * - every column has a numeric id unique in the plan, subqueries included;
 *   ids come from one counter per call, starting at 1, handed out in binding
 *   order, so the same query and catalog always give the same plan;
 * - a pass-through NamedExpr reuses its column's id;
 * - Sort / Limit keys refer only to their input's columns;
 * - the root's output columns, in order, with their user-visible names, are
 *   the query result.
 *
 * Errors are FlightdeckErrors: `unknown-table`, `unknown-column`,
 * `ambiguous-column`, `bind-error` (invalid SQL), `unsupported` (valid SQL
 * this binder does not handle). See the files of this folder for each clause.
 */
import { FlightdeckError } from '../errors.ts';
import type { AstQuery } from '../ir/ast.ts';
import type { Catalog } from '../ir/catalog.ts';
import type { Plan } from '../ir/plan.ts';
import { createBindContext } from './context.ts';
import { bindQueryAst } from './bind-query.ts';
import { isStackOverflow } from '../parse/nesting-limit.ts';

export function bindQuery(ast: AstQuery, catalog: Catalog): Plan {
  const ctx = createBindContext(catalog);
  try {
    return bindQueryAst(ctx, ast, null, []);
  } catch (err) {
    if (err instanceof FlightdeckError) throw err;
    // last resort: parseSql bounds the depth it hands over, but an AST built elsewhere may be deeper
    if (isStackOverflow(err)) throw new FlightdeckError('too-deep', 'the query is nested too deeply to bind (stack exhausted); flatten it', { cause: err });
    // A malformed AST must not escape as a raw TypeError.
    throw new FlightdeckError('internal-error', `binder failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
