/**
 * The syntax tree: what `compiler/parse/` produces from SQL text, before any
 * name is resolved. Plain readonly data tagged by `kind`; no node-sql-parser
 * type ever leaks past `compiler/parse/`.
 *
 * Conventions
 * - Identifiers are as written, lower-cased unless they were double-quoted.
 * - Keyword operators are upper-case (`AND`, `OR`, `NOT`, `LIKE`...).
 * - `loc` is 1-based line/column where the parser gives one.
 */

export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

export type LiteralType =
  | 'number'
  | 'string'
  | 'boolean'
  | 'null'
  | 'date'
  | 'timestamp'
  | 'interval';

export type AstExpr =
  | { readonly kind: 'column'; readonly table: string | null; readonly name: string; readonly loc?: SourceLocation }
  | { readonly kind: 'star'; readonly table: string | null }
  /** `value` is the literal's text: numbers as written (`0.06`), strings unquoted,
   * dates `1998-12-01`, intervals as `<number> <unit>` (`90 day`, unit singular lower-case). */
  | { readonly kind: 'literal'; readonly type: LiteralType; readonly value: string | boolean | null }
  /** `op`: = <> < <= > >= AND OR + - * / % || */
  | { readonly kind: 'binary'; readonly op: string; readonly left: AstExpr; readonly right: AstExpr }
  /** `op`: NOT, - (negation), + */
  | { readonly kind: 'unary'; readonly op: 'NOT' | '-' | '+'; readonly arg: AstExpr }
  /** Scalar, aggregate and window calls. `name` lower-case. `star` for count(*). */
  | {
      readonly kind: 'function';
      readonly name: string;
      readonly args: readonly AstExpr[];
      readonly distinct: boolean;
      readonly star: boolean;
      readonly filter: AstExpr | null;
      readonly over: AstWindowSpec | null;
      readonly loc?: SourceLocation;
    }
  | {
      readonly kind: 'case';
      readonly operand: AstExpr | null;
      readonly whens: readonly { readonly when: AstExpr; readonly then: AstExpr }[];
      readonly else: AstExpr | null;
    }
  /** `type` normalised lower-case, e.g. `integer`, `decimal(15,2)`, `varchar`, `date`. */
  | { readonly kind: 'cast'; readonly arg: AstExpr; readonly type: string }
  | { readonly kind: 'isNull'; readonly arg: AstExpr; readonly negated: boolean }
  | {
      readonly kind: 'like';
      readonly arg: AstExpr;
      readonly pattern: AstExpr;
      readonly negated: boolean;
      readonly caseInsensitive: boolean;
    }
  | { readonly kind: 'inList'; readonly arg: AstExpr; readonly list: readonly AstExpr[]; readonly negated: boolean }
  | { readonly kind: 'inSubquery'; readonly arg: AstExpr; readonly query: AstQuery; readonly negated: boolean }
  | { readonly kind: 'exists'; readonly query: AstQuery; readonly negated: boolean }
  | { readonly kind: 'subquery'; readonly query: AstQuery }
  | {
      readonly kind: 'between';
      readonly arg: AstExpr;
      readonly low: AstExpr;
      readonly high: AstExpr;
      readonly negated: boolean;
    }
  /** EXTRACT(field FROM arg); `field` lower-case (`year`, `month`...). */
  | { readonly kind: 'extract'; readonly field: string; readonly arg: AstExpr };

export interface AstOrderItem {
  readonly expr: AstExpr;
  readonly desc: boolean;
  /** null = the SQL default (NULLS LAST for ASC, NULLS FIRST for DESC in PostgreSQL). */
  readonly nullsFirst: boolean | null;
}

export interface AstWindowSpec {
  /** a reference to a named WINDOW clause entry, if any */
  readonly name: string | null;
  readonly partitionBy: readonly AstExpr[];
  readonly orderBy: readonly AstOrderItem[];
  /** normalised upper-case frame text, e.g. `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`; null = default */
  readonly frame: string | null;
}

export interface AstSelectItem {
  readonly expr: AstExpr;
  readonly alias: string | null;
}

export type AstJoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

export type AstFrom =
  | { readonly kind: 'table'; readonly schema: string | null; readonly name: string; readonly alias: string | null; readonly loc?: SourceLocation }
  | {
      readonly kind: 'subquery';
      readonly query: AstQuery;
      readonly alias: string | null;
      readonly columnAliases: readonly string[] | null;
    }
  | {
      readonly kind: 'join';
      readonly joinType: AstJoinType;
      readonly left: AstFrom;
      readonly right: AstFrom;
      readonly on: AstExpr | null;
      readonly using: readonly string[] | null;
      readonly natural: boolean;
    };

export type AstQueryBody =
  | {
      readonly kind: 'select';
      readonly distinct: boolean;
      readonly columns: readonly AstSelectItem[];
      /** comma-separated FROM items; joins are nested inside an item */
      readonly from: readonly AstFrom[];
      readonly where: AstExpr | null;
      readonly groupBy: readonly AstExpr[];
      readonly having: AstExpr | null;
      readonly windows: readonly { readonly name: string; readonly spec: AstWindowSpec }[];
    }
  | {
      readonly kind: 'setop';
      readonly op: 'union' | 'intersect' | 'except';
      readonly all: boolean;
      readonly left: AstQueryBody | AstQuery;
      readonly right: AstQueryBody | AstQuery;
    }
  | { readonly kind: 'values'; readonly rows: readonly (readonly AstExpr[])[] };

export interface AstCte {
  readonly name: string;
  readonly columns: readonly string[] | null;
  readonly query: AstQuery;
}

export interface AstQuery {
  readonly kind: 'query';
  readonly with: readonly AstCte[];
  readonly body: AstQueryBody;
  readonly orderBy: readonly AstOrderItem[];
  readonly limit: AstExpr | null;
  readonly offset: AstExpr | null;
}
