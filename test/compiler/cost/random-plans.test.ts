/**
 * Golden-free property test: random small plans over the test catalog, and
 * over catalogs with degenerate statistics (empty tables, zero or NaN
 * distinct counts, reversed ranges, all-NULL columns), always get finite
 * estimates of at least one row, cumulative costs, selectivities in 0..1
 * and sane column statistics. Seeded, so a failure reproduces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotate, createEstimator } from '../../../compiler/cost/annotate.ts';
import type { Catalog, CatalogTable } from '../../../compiler/ir/catalog.ts';
import type { ColumnDef, ColumnRef, Expr, JoinType, Literal, Plan, TypeName } from '../../../compiler/ir/plan.ts';
import { children, forEachNode, outputColumns } from '../../../compiler/ir/walk.ts';
import { CATALOG } from './plan-builders.ts';

/** mulberry32: a small deterministic PRNG */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  private nextId = 1;
  constructor(private readonly rand: () => number, private readonly catalog: Catalog) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }

  id(): number {
    return this.nextId++;
  }

  literal(type: TypeName): Literal {
    if (this.rand() < 0.05) return { kind: 'literal', value: null, type: 'null' };
    switch (type) {
      case 'date':
        return { kind: 'literal', value: this.pick(['1990-01-01', '1995-06-17', '1998-12-31', '2030-02-28']), type: 'date' };
      case 'timestamp':
        return { kind: 'literal', value: this.pick(['2024-01-01 06:00:00', '2023-12-31 23:59:59', '2024-01-01']), type: 'timestamp' };
      case 'varchar':
        return { kind: 'literal', value: this.pick(['BUILDING', 'x', '', '1-URGENT', 'a%']), type: 'varchar' };
      case 'boolean':
        return { kind: 'literal', value: this.rand() < 0.5, type: 'boolean' };
      default:
        return { kind: 'literal', value: this.pick(['0', '1', '-5', '250.5', '1e12', '7']), type: 'integer' };
    }
  }

  ref(c: ColumnDef): ColumnRef {
    return { kind: 'column', id: c.id, name: c.name, type: c.type };
  }

  predicate(cols: readonly ColumnDef[], depth = 0): Expr {
    const c = this.ref(this.pick(cols));
    const other = this.ref(this.pick(cols));
    const r = this.rand();
    if (depth < 2 && r < 0.15) return { kind: this.pick(['and', 'or'] as const), args: [this.predicate(cols, depth + 1), this.predicate(cols, depth + 1)] };
    if (depth < 2 && r < 0.2) return { kind: 'not', arg: this.predicate(cols, depth + 1) };
    if (r < 0.45) return { kind: 'compare', op: this.pick(['=', '<>', '<', '<=', '>', '>='] as const), left: c, right: this.literal(c.type) };
    if (r < 0.55) return { kind: 'compare', op: this.pick(['=', '<'] as const), left: c, right: other };
    if (r < 0.65) return { kind: 'between', arg: c, low: this.literal(c.type), high: this.literal(c.type), negated: this.rand() < 0.3 };
    if (r < 0.75) return { kind: 'inList', arg: c, list: [this.literal(c.type), this.literal(c.type)], negated: this.rand() < 0.3 };
    if (r < 0.85) return { kind: 'like', arg: c, pattern: { kind: 'literal', value: this.pick(['%', 'a%', '%x%', 'BUILD%', 'exact', '_b%c']), type: 'varchar' }, negated: this.rand() < 0.3, caseInsensitive: this.rand() < 0.2 };
    return { kind: 'isNull', arg: c, negated: this.rand() < 0.5 };
  }

  scan(): Plan {
    const table = this.pick(Object.values(this.catalog.tables) as CatalogTable[]);
    const cols = table.columns.filter(() => this.rand() < 0.6);
    const chosen = cols.length ? cols : [table.columns[0]!];
    return { kind: 'scan', table: table.name, alias: table.name, columns: chosen.map((c) => ({ id: this.id(), name: c.name, type: c.type })) };
  }

  /** A one-column plan (for set operations). */
  single(depth: number): Plan {
    const input = this.plan(depth);
    const c = outputColumns(input)[0]!;
    return { kind: 'project', input, exprs: [{ id: this.id(), name: 'v', expr: { kind: 'cast', arg: this.ref(c), type: 'varchar', typeText: 'varchar' } }] };
  }

  plan(depth: number): Plan {
    if (depth <= 0) return this.rand() < 0.9 ? this.scan() : this.values();
    const r = this.rand();
    if (r < 0.15) return this.scan();
    if (r < 0.3) {
      const input = this.plan(depth - 1);
      return { kind: 'filter', input, predicate: this.predicate(outputColumns(input)) };
    }
    if (r < 0.5) {
      const left = this.plan(depth - 1);
      const right = this.plan(depth - 1);
      const type = this.pick<JoinType>(['inner', 'left', 'right', 'full', 'cross', 'semi', 'anti']);
      const l = this.ref(this.pick(outputColumns(left)));
      const rr = this.ref(this.pick(outputColumns(right)));
      const condition: Expr | null = type === 'cross' ? null : { kind: 'compare', op: this.rand() < 0.8 ? '=' : '<', left: l, right: rr };
      return { kind: 'join', joinType: type, left, right, condition };
    }
    if (r < 0.6) {
      const input = this.plan(depth - 1);
      const keys = outputColumns(input).filter(() => this.rand() < 0.3);
      const arg = this.ref(this.pick(outputColumns(input)));
      return {
        kind: 'aggregate',
        input,
        groupBy: keys.map((k) => ({ id: k.id, name: k.name, expr: this.ref(k) })),
        aggregates: [
          { id: this.id(), name: 'n', fn: 'count_star', args: [], distinct: false, filter: null, type: 'bigint' },
          { id: this.id(), name: 'm', fn: this.pick(['min', 'sum', 'avg']), args: [arg], distinct: false, filter: null, type: arg.type },
        ],
      };
    }
    if (r < 0.7) {
      const input = this.plan(depth - 1);
      const c = this.ref(this.pick(outputColumns(input)));
      return {
        kind: 'project',
        input,
        exprs: [
          { id: c.id, name: c.name, expr: c },
          { id: this.id(), name: 'e', expr: { kind: 'arith', op: '+', left: c, right: this.literal('integer'), type: 'double' } },
        ],
      };
    }
    if (r < 0.78) {
      const input = this.plan(depth - 1);
      const key = { expr: this.ref(this.pick(outputColumns(input))), desc: this.rand() < 0.5, nullsFirst: false };
      return this.pick<Plan>([
        { kind: 'sort', input, keys: [key] },
        { kind: 'topN', input, keys: [key], limit: this.pick([0, 1, 10, 1_000_000]), offset: this.pick([0, 5]) },
        { kind: 'limit', input, limit: this.pick([null, 0, 3]), offset: this.pick([0, 2]) },
      ]);
    }
    if (r < 0.84) return { kind: 'distinct', input: this.plan(depth - 1) };
    if (r < 0.9) {
      const input = this.plan(depth - 1);
      const c = this.ref(this.pick(outputColumns(input)));
      return {
        kind: 'window',
        input,
        functions: [{ id: this.id(), name: 'w', fn: this.pick(['row_number', 'sum', 'lag', 'count_star']), args: [c], partitionBy: this.rand() < 0.5 ? [c] : [], orderBy: [], frame: null, type: 'bigint' }],
      };
    }
    return {
      kind: 'setop',
      op: this.pick(['union', 'intersect', 'except'] as const),
      all: this.rand() < 0.5,
      left: this.single(depth - 1),
      right: this.single(depth - 1),
      columns: [{ id: this.id(), name: 'v', type: 'varchar' }],
    };
  }

  values(): Plan {
    const n = Math.floor(this.rand() * 3);
    return {
      kind: 'values',
      rows: Array.from({ length: n }, () => [this.literal('integer')]),
      columns: [{ id: this.id(), name: 'v', type: 'integer' }],
    };
  }
}

/** A catalog whose statistics are degenerate in every way a loaded one might be. */
function degenerateCatalog(rand: () => number): Catalog {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const tables: Record<string, CatalogTable> = {};
  for (const name of ['d1', 'd2']) {
    const rowCount = pick([0, 1, 7, 1e9, 1e15]);
    const types: TypeName[] = ['integer', 'varchar', 'date', 'double'];
    tables[name] = {
      name,
      rowCount,
      primaryKey: [],
      columns: types.map((type, i) => ({
        name: `${name}_c${i}`,
        type,
        sqlType: type,
        nullable: true,
        stats: {
          distinct: pick([0, 1, rowCount, rowCount * 3, Number.NaN, -4]),
          nullFraction: pick([0, 0.5, 1, 1.5, Number.NaN]),
          min: pick([null, 0, 100, Number.NaN]),
          max: pick([null, 0, 50, Number.POSITIVE_INFINITY]),
          mostCommon: pick([[], [{ value: 'x', frequency: 0.9 }, { value: '1', frequency: 0.9 }], [{ value: 'a', frequency: Number.NaN }]]),
          avgWidth: pick([0, 4, Number.NaN]),
        },
      })),
    };
  }
  return { source: 'degenerate', tables };
}

function checkPlan(plan: Plan, catalog: Catalog, label: string): void {
  const out = annotate(plan, catalog);
  const est = createEstimator(catalog);
  forEachNode(out, (n) => {
    const e = n.est!;
    assert.ok(e, `${label}: ${n.kind} not annotated`);
    assert.ok(Number.isFinite(e.rows) && e.rows >= 1, `${label}: ${n.kind} rows ${e.rows}`);
    assert.ok(Number.isFinite(e.cost) && e.cost >= 0, `${label}: ${n.kind} cost ${e.cost}`);
    const kids = children(n).reduce((s, k) => s + k.est!.cost, 0);
    assert.ok(e.cost >= kids * (1 - 1e-12), `${label}: ${n.kind} cost ${e.cost} below its children's ${kids}`);
  });
  forEachNode(plan, (n) => {
    for (const [id, s] of est.columnStats(n)) {
      assert.ok(Number.isFinite(s.distinct) && s.distinct >= 1 && s.distinct <= est.rows(n) + 1e-9, `${label}: ${n.kind} column ${id} distinct ${s.distinct} (rows ${est.rows(n)})`);
      assert.ok(s.nullFraction >= 0 && s.nullFraction <= 1, `${label}: ${n.kind} column ${id} nullFraction ${s.nullFraction}`);
      assert.ok(Number.isFinite(s.avgWidth), `${label}: ${n.kind} column ${id} avgWidth ${s.avgWidth}`);
    }
    assert.deepEqual([...est.columnStats(n).keys()].toSorted((a, b) => a - b), outputColumns(n).map((c) => c.id).toSorted((a, b) => a - b), `${label}: ${n.kind} has statistics for exactly its output columns`);
    if (n.kind === 'filter') {
      const s = est.selectivity(n.predicate, n.input);
      assert.ok(s >= 0 && s <= 1, `${label}: selectivity ${s}`);
    }
  });
}

test('random plans over the test catalog get finite estimates of at least one row', () => {
  const rand = prng(20240601);
  for (let i = 0; i < 300; i++) {
    const plan = new Generator(rand, CATALOG).plan(3);
    checkPlan(plan, CATALOG, `plan ${i}`);
  }
});

test('random plans over degenerate statistics stay finite', () => {
  const rand = prng(7);
  for (let i = 0; i < 150; i++) {
    const catalog = degenerateCatalog(rand);
    const plan = new Generator(rand, catalog).plan(3);
    checkPlan(plan, catalog, `degenerate plan ${i}`);
  }
});
