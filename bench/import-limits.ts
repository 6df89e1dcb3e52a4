/**
 * Why `corpus import` needed a deadline and a size cap, measured in one run:
 *
 * 1. node-sql-parser backtracking: parse time of scalar subqueries nested in
 *    select lists (`select (select (…) from t) from t`), level by level,
 *    against the same nesting in WHERE (`… where a = (select …)`), which
 *    parses in linear time. The growth factor per level is the figure: the
 *    grammar reads a select item as `expr_item :: type` before `expr_item`
 *    and has no memoisation, so each level parses its whole subtree again.
 * 2. Memory of importing one 50 MiB line, as a ratio to the line: with the
 *    default 1 MiB statement limit (the line streams past) and with the limit
 *    raised to let it in (without the parser check).
 *
 *   node --import tsx bench/import-limits.ts
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSql } from '../compiler/parse/parse.ts';
import { importLogs } from '../corpus/templates/import.ts';

const LINE_MB = 50;

function nest(levels: number, inSelectList: boolean): string {
  let q = 'select 1';
  // the shape of the line from issue #6: each level a select-list subquery and a WHERE subquery
  for (let i = 0; i < levels; i++) {
    q = inSelectList ? `select (${q}) as c${i} from t${i} where a${i} = (select max(x) from u)` : `select 1 from t${i} where a${i} = (${q}) and b = (select max(x) from u)`;
  }
  return q;
}

/** best of three (the machine is shared) */
function parseMs(sql: string): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    try {
      parseSql(sql);
    } catch {
      // timing only
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function memoryChild(path: string, maxStatementBytes: number): Promise<void> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const r = await importLogs([path], { maxStatementBytes, progressEvery: 1, onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(JSON.stringify({ grew: peak - before, entries: r.entries, rejected: r.rejected }));
}

async function main(): Promise<void> {
  console.log('1. node-sql-parser, nested scalar subqueries: select list vs WHERE (ms)');
  console.log('   levels  select-list     where   ratio  growth/level');
  parseMs(nest(2, true)); // warm up
  let prev = 0;
  let firstMs = 0;
  let lastMs = 0;
  const FROM = 4;
  const TO = 8;
  for (let levels = FROM; levels <= TO; levels++) {
    const list = parseMs(nest(levels, true));
    const where = parseMs(nest(levels, false));
    const growth = prev ? (list / prev).toFixed(2) + '×' : '';
    console.log(`   ${String(levels).padStart(6)}  ${list.toFixed(1).padStart(11)}  ${where.toFixed(1).padStart(8)}  ${(list / where).toFixed(0).padStart(5)}×  ${growth.padStart(12)}`);
    prev = list;
    if (levels === FROM) firstMs = list;
    lastMs = list;
  }
  const perLevel = (lastMs / firstMs) ** (1 / (TO - FROM));
  const at20 = lastMs * perLevel ** (20 - TO);
  console.log(`   geometric mean growth ${perLevel.toFixed(2)}× per level (WHERE nesting: flat) → 20 levels ≈ ${(at20 / 60_000).toFixed(0)} min of parsing`);

  const dir = mkdtempSync(join(tmpdir(), 'fd-bench-import-'));
  try {
    const path = join(dir, 'huge.jsonl');
    const out = createWriteStream(path);
    out.write('{"sql":"select 1 from t"}\n{"sql":"select * from t where id in (');
    const chunk = '1234567, '.repeat(116_509); // ~1 MiB
    for (let i = 0; i < LINE_MB; i++) if (!out.write(chunk)) await once(out, 'drain');
    out.end('0)"}\n{"sql":"select 2 from t"}\n');
    await once(out, 'finish');
    console.log(`\n2. importing a ${LINE_MB} MiB line: RSS growth as a multiple of the line`);
    for (const [what, limit] of [['default 1 MiB limit (rejected too-large)', 1024 * 1024], ['limit raised to 64 MiB (imported)', 64 * 1024 * 1024]] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', path, String(limit)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      const m = JSON.parse(r.stdout) as { grew: number; entries: number; rejected: number };
      console.log(`   ${what.padEnd(42)} +${(m.grew / 1048576).toFixed(0).padStart(4)} MiB = ${(m.grew / (LINE_MB * 1048576)).toFixed(2)}× the line (${m.entries} imported, ${m.rejected} rejected)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await memoryChild(process.argv[3]!, Number(process.argv[4]));
else await main();
