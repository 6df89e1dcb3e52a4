/**
 * Name scopes. A `Scope` is what one SELECT's FROM clause makes visible:
 * its relations (tables, derived tables, CTE references, each under its
 * alias) arranged as the FROM trees that were written, the columns merged by
 * USING / NATURAL joins, and the enclosing query's scope (`parent`), which
 * correlated subqueries resolve into.
 *
 * Names compare case-insensitively (DuckDB's rule; the parser already
 * lower-cases unquoted identifiers).
 */
import type { SourceLocation } from '../ir/ast.ts';
import type { ColumnRef } from '../ir/plan.ts';
import type { TypeName } from '../ir/types.ts';
import { bindError, columnRef } from './context.ts';

export interface ScopeColumn {
  readonly id: number;
  readonly name: string;
  readonly type: TypeName;
}

export interface Relation {
  /** lower-case alias (or table / CTE name); '' for an unnamed derived table */
  readonly name: string;
  /** how messages call it */
  readonly label: string;
  readonly columns: readonly ScopeColumn[];
}

/** A column merged by USING / NATURAL: unqualified references to `name` resolve to `column`. */
export interface MergedColumn {
  readonly name: string;
  readonly column: ScopeColumn;
  /** ids of the columns it stands for (both sides, and inner merged columns) */
  readonly covers: ReadonlySet<number>;
  readonly label: string;
}

export type FromTree =
  | { readonly kind: 'relation'; readonly relation: Relation }
  | { readonly kind: 'join'; readonly left: FromTree; readonly right: FromTree; readonly merged: readonly MergedColumn[] };

interface Candidate {
  readonly column: ScopeColumn;
  readonly label: string;
}

export class Scope {
  readonly relations: readonly Relation[];
  readonly merged: readonly MergedColumn[];

  constructor(
    readonly trees: readonly FromTree[],
    readonly parent: Scope | null,
  ) {
    const relations: Relation[] = [];
    const merged: MergedColumn[] = [];
    const visit = (t: FromTree): void => {
      if (t.kind === 'relation') relations.push(t.relation);
      else {
        visit(t.left);
        visit(t.right);
        merged.push(...t.merged);
      }
    };
    trees.forEach(visit);
    this.relations = relations;
    this.merged = merged;
  }

  /** A scope with no relations: for VALUES and SELECT without FROM. */
  static empty(parent: Scope | null): Scope {
    return new Scope([], parent);
  }

  /** Every column id this scope itself defines (not its parents'). */
  ownIds(): Set<number> {
    const ids = new Set<number>();
    for (const r of this.relations) for (const c of r.columns) ids.add(c.id);
    for (const m of this.merged) ids.add(m.column.id);
    return ids;
  }

  /** The name of a column this scope defines, for messages. */
  nameOf(id: number): string | undefined {
    for (const r of this.relations) for (const c of r.columns) if (c.id === id) return r.name ? `${r.name}.${c.name}` : c.name;
    for (const m of this.merged) if (m.column.id === id) return m.name;
    return undefined;
  }

  /** Is there a relation called `name` here or in an enclosing scope? */
  hasRelation(name: string): boolean {
    const n = name.toLowerCase();
    return this.relations.some((r) => r.name === n) || (this.parent?.hasRelation(n) ?? false);
  }

  /** Resolve a column reference, innermost scope first; throws unknown / ambiguous errors. */
  resolve(table: string | null, name: string, loc?: SourceLocation): ColumnRef {
    const found = this.tryResolve(table, name, loc);
    if (found) return found;
    if (table !== null && !this.hasRelation(table)) {
      throw bindError('unknown-table', `unknown table '${table}' in column reference '${table}.${name}'${this.tablesHint()}`, loc);
    }
    throw bindError('unknown-column', `column '${name}' not found${this.columnHint(name)}`, loc);
  }

  /** Like `resolve`, but null when no scope has the name (still throws on ambiguity). */
  tryResolve(table: string | null, name: string, loc?: SourceLocation): ColumnRef | null {
    const c = table === null ? this.lookupUnqualified(name, loc) : this.lookupQualified(table, name, loc);
    if (c) return columnRef(c);
    return this.parent ? this.parent.tryResolve(table, name, loc) : null;
  }

  private lookupQualified(table: string, name: string, loc?: SourceLocation): ScopeColumn | null {
    const t = table.toLowerCase();
    const rels = this.relations.filter((r) => r.name === t);
    if (rels.length === 0) return null;
    const rel = rels[0]!;
    const n = name.toLowerCase();
    const cols = rel.columns.filter((c) => c.name.toLowerCase() === n);
    if (cols.length === 1) return cols[0]!;
    if (cols.length > 1) {
      throw bindError('ambiguous-column', `column reference '${table}.${name}' is ambiguous: '${rel.label}' has ${cols.length} columns named '${name}'`, loc);
    }
    const near = nearest(name, rel.columns.map((c) => c.name));
    const hint = near ? `; did you mean '${table}.${near}'?` : `; its columns are ${listNames(rel.columns.map((c) => c.name))}`;
    throw bindError('unknown-column', `column '${name}' not found in table '${rel.label}'${hint}`, loc);
  }

  private lookupUnqualified(name: string, loc?: SourceLocation): ScopeColumn | null {
    const n = name.toLowerCase();
    let candidates: Candidate[] = [];
    for (const r of this.relations) {
      for (const c of r.columns) if (c.name.toLowerCase() === n) candidates.push({ column: c, label: r.label });
    }
    // Outermost merge first: it covers the inner merges and their columns.
    for (let i = this.merged.length - 1; i >= 0; i--) {
      const m = this.merged[i]!;
      if (m.name !== n) continue;
      if (!candidates.some((c) => m.covers.has(c.column.id) || c.column.id === m.column.id)) continue;
      candidates = candidates.filter((c) => !m.covers.has(c.column.id) && c.column.id !== m.column.id);
      candidates.push({ column: m.column, label: m.label });
    }
    if (candidates.length === 0) return null;
    if (candidates.length === 1) return candidates[0]!.column;
    const labels = [...new Set(candidates.map((c) => c.label))];
    throw bindError(
      'ambiguous-column',
      `column reference '${name}' is ambiguous: it exists in ${labels.length > 1 ? `tables ${labels.join(', ')}` : `'${labels[0]}' more than once`}; qualify it with a table name`,
      loc,
    );
  }

  /** Columns of `*` (FROM order, USING columns once and first) or of `t.*`. */
  expandStar(table: string | null, loc?: SourceLocation): ScopeColumn[] {
    if (table === null) return this.trees.flatMap(expandTree);
    const t = table.toLowerCase();
    const rel = this.relations.find((r) => r.name === t);
    if (!rel) throw bindError('unknown-table', `unknown table '${table}' in '${table}.*'${this.tablesHint()}`, loc);
    return [...rel.columns];
  }

  private tablesHint(): string {
    const names = this.relations.filter((r) => r.name).map((r) => r.name);
    return names.length ? `; tables in scope: ${names.join(', ')}` : '';
  }

  /** Names of every column visible here, innermost scope first. */
  private columnNames(): string[] {
    const own = this.relations.flatMap((r) => r.columns.map((c) => c.name));
    return this.parent ? [...own, ...this.parent.columnNames()] : own;
  }

  private columnHint(name: string): string {
    const all = this.columnNames();
    if (all.length === 0) return ' (the query has no FROM clause)';
    const near = nearest(name, all);
    if (near) return `; did you mean '${near}'?`;
    return `; candidates: ${listNames(all)}`;
  }
}

function expandTree(t: FromTree): ScopeColumn[] {
  if (t.kind === 'relation') return [...t.relation.columns];
  const covered = new Set<number>();
  for (const m of t.merged) for (const id of m.covers) covered.add(id);
  const rest = [...expandTree(t.left), ...expandTree(t.right)].filter((c) => !covered.has(c.id));
  return [...t.merged.map((m) => m.column), ...rest];
}

/** The visible (star) columns of one FROM tree, as NATURAL JOIN sees them. */
export function visibleColumns(t: FromTree): ScopeColumn[] {
  return expandTree(t);
}

/** Every relation in a FROM tree, left to right. */
export function treeRelations(t: FromTree): Relation[] {
  return t.kind === 'relation' ? [t.relation] : [...treeRelations(t.left), ...treeRelations(t.right)];
}

function listNames(names: readonly string[]): string {
  const unique = [...new Set(names)];
  const shown = unique.slice(0, 12).join(', ');
  return unique.length > 12 ? `${shown}, ... (${unique.length} in all)` : shown;
}

/** The candidate closest to `name` by edit distance, if close enough to be a likely typo. */
export function nearest(name: string, candidates: readonly string[]): string | null {
  const n = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(n, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(n.length / 3));
  return best !== null && bestDistance <= limit ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
