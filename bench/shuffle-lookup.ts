/**
 * A ranged integer key's shuffle read as one list (by index) vs joined as a
 * (v, m) table with the rows sorted back into their order, for key ranges of
 * several sizes over the same rows, same run, interleaved. Picks value-maps.ts
 * LIST_MAX: the list is faster for small ranges, the join beyond. Both forms
 * are checked to write the same values in the same order. Also prints the
 * time the shuffle itself takes (the list form's lookup statement), wall and CPU.
 *
 *   node --import tsx bench/shuffle-lookup.ts [--rows N] [--reps R] [--ranges a,b,c]
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { openDatabase } from '../compiler/builds/duckdb-database.ts';
import { MaskingKey } from '../flighting/desensitize/key.ts';
import { keyParams, MASK_MACROS } from '../flighting/desensitize/mask-sql.ts';
import type { ColumnPolicy } from '../flighting/desensitize/policy.ts';
import { maskSelectWithLookups, valueMapStatements } from '../flighting/desensitize/value-maps.ts';

const opt = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const rows = Number(opt('--rows', '4000000'));
const reps = Number(opt('--reps', '3'));
const ranges = opt('--ranges', '250000,1000000,2000000,5000000').split(',').map(Number);
const key = new MaskingKey(randomBytes(32));
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const db = await openDatabase(':memory:');
await db.run(MASK_MACROS);
console.log(`rows ${rows}, reps ${reps}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const range of ranges) {
  await db.run(`CREATE OR REPLACE TABLE src AS SELECT (hash(i) % ${range})::BIGINT + 1 AS k FROM range(${rows}) r(i)`);
  // pinned at its ends, as --suggest proposes a key (spacedPins)
  const policy: ColumnPolicy = { kind: 'pseudonym', domain: 'k', range: [1, range], pins: [1, range] } as ColumnPolicy;
  const columns = [{ column: 'k', type: 'BIGINT', policy }];
  const forms = { list: Infinity, join: 0 } as const;
  const times: Record<string, number[]> = { list: [], join: [] };
  const writes: Record<string, number[]> = { list: [], join: [] };
  const shuffles: number[] = [];
  const shuffleCpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const [form, listMax] of Object.entries(forms)) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const values = valueMapStatements([{ name: 'src', relation: 'src', columns }], 'temp.main', listMax);
      for (const { sql } of values.lookups) await db.run(sql, keyParams(sql, key.revealHex()));
      const t1 = performance.now();
      if (form === 'list') {
        const c = process.cpuUsage(c0);
        shuffles.push((t1 - t0) / 1000);
        shuffleCpu.push((c.user + c.system) / 1e6);
      }
      const { sql: select } = maskSelectWithLookups('src', '(SELECT *, rowid AS __fd_row FROM src)', columns, values, new Map(), { sortBy: '__fd_row' });
      await db.run(`CREATE OR REPLACE TABLE out_${form} AS ${select}`, keyParams(select, key.revealHex()));
      times[form]!.push((performance.now() - t0) / 1000);
      writes[form]!.push((performance.now() - t1) / 1000);
    }
  }
  const same = await db.all(`SELECT count(*) AS n FROM (SELECT k, rowid AS r FROM out_list) a JOIN (SELECT k, rowid AS r FROM out_join) b USING (r) WHERE a.k = b.k`);
  const [l, j] = [median(times.list!), median(times.join!)];
  console.log(`range ${range}: list ${l.toFixed(2)} s, join ${j.toFixed(2)} s, list/join ${(l / j).toFixed(2)}× (the writes alone: ${median(writes.list!).toFixed(2)} vs ${median(writes.join!).toFixed(2)} s; the shuffle as a list ${median(shuffles).toFixed(2)} s, CPU ${median(shuffleCpu).toFixed(2)} s); same value at the same row: ${same[0]!.n}/${rows}`);
}
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
db.close();
