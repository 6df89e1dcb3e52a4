/**
 * Speed limits of two planner paths that tests only check for correctness
 * (wall-clock assertions in tests fail on busy machines; timings live here):
 *
 * 1. The plan diff of two 5,000-operator-deep plans (the matcher falls back to
 *    the text diff and a coarse signature) vs its peer, the `diff` package's
 *    unified text diff of the same two texts alone. Target ≤ 1.5×.
 * 2. Greedy join ordering of a 12-relation chain (beyond the DP limit) vs the
 *    bare node-sql-parser parse of the same query. Target: reorder ≤ 5× the parse
 *    (it used to be asserted as "< 100 ms" in a test).
 *
 *   node --import tsx bench/planner-limits.ts [--rounds N]
 */
import nodeSqlParser from 'node-sql-parser';
import { createTwoFilesPatch } from 'diff';
import { diffPlans } from '../playback/diff/plan-diff.ts';
import { maxColumnId } from '../compiler/ir/walk.ts';
import { bindQuery } from '../compiler/bind/bind.ts';
import { parseSql } from '../compiler/parse/parse.ts';
import { crossJoinToInner } from '../compiler/rules/cross-join-to-inner.ts';
import { pushDownPredicates } from '../compiler/rules/push-down-predicates.ts';
import { reorderJoins } from '../compiler/rules/reorder-joins.ts';
import { createRuleContext } from '../compiler/rules/rule.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { loadCatalog } from '../compiler/builds/load-catalog.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function report(name: string, ours: number[], peer: number[], peerName: string, target: number): boolean {
  const ratio = median(ours) / median(peer);
  const ratios = ours.map((o, i) => o / peer[i]!);
  const ok = ratio <= target;
  console.log(
    `${name}: ${median(ours).toFixed(1)} ms vs ${peerName} ${median(peer).toFixed(1)} ms → ${ratio.toFixed(2)}× ` +
      `(range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×; target ≤ ${target}×) ${ok ? 'pass' : 'MISS'}`,
  );
  return ok;
}

// 1. large plan diff vs the text diff alone
const deep = (n: number, leaf: string) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}${i === n - 1 ? leaf : 'Project(exprs=[a])'}`).join('\n') + '\n';
const a = deep(5000, 'Scan(table=[a])');
const b = deep(5000, 'Scan(table=[b])');
const diffOurs: number[] = [];
const diffPeer: number[] = [];
diffPlans(a, b);
createTwoFilesPatch('base', 'head', a, b);
for (let i = 0; i < rounds; i++) {
  diffOurs.push(timed(() => diffPlans(a, b)));
  diffPeer.push(timed(() => createTwoFilesPatch('base', 'head', a, b)));
}
const ok1 = report('plan diff, 5,000-deep plans', diffOurs, diffPeer, 'text diff', 1.5);

// 2. greedy join ordering of a 12-relation chain vs parsing the query
const k = 12;
const order = [...Array.from({ length: k }, (_, i) => i).filter((i) => i % 2 === 0), ...Array.from({ length: k }, (_, i) => i).filter((i) => i % 2 === 1)];
const sql = `SELECT n0.n_name FROM ${order.map((i) => `nation n${i}`).join(', ')} WHERE ${Array.from({ length: k - 1 }, (_, i) => `n${i}.n_nationkey = n${i + 1}.n_regionkey`).join(' AND ')}`;
const tmp = mkdtempSync(join(tmpdir(), 'fd-bench-'));
const catalog = await loadCatalog((await generateTpch({ scale: 0.01, outDir: tmp })).dbPath);
rmSync(tmp, { recursive: true, force: true });
let plan = bindQuery(parseSql(sql, { dialect: 'postgresql' }), catalog);
const ctx = createRuleContext(catalog, maxColumnId(plan));
for (const r of [pushDownPredicates, crossJoinToInner]) plan = r.apply(plan, ctx);
const parser = new nodeSqlParser.Parser();
const reorder: number[] = [];
const parse: number[] = [];
for (let i = 0; i < 3; i++) reorderJoins.apply(plan, ctx);
for (let i = 0; i < rounds; i++) {
  reorder.push(timed(() => reorderJoins.apply(plan, ctx)));
  parse.push(timed(() => parser.astify(sql, { database: 'postgresql' })));
}
const ok2 = report('greedy join order, 12-relation chain', reorder, parse, 'bare parse', 5);
process.exitCode = ok1 && ok2 ? 0 : 1;
