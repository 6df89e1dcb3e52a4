/**
 * Fingerprinting vs libpg_query's fingerprint (the real PostgreSQL parser,
 * npm @libpg-query/parser `fingerprintSync`) on the same generated `shop`
 * log, measured in the same run on one core. Targets: flightdeck ≥ 3×
 * faster, ≥ 99% agreement on which log lines share a template.
 *
 * Agreement: for each line, the set of lines it shares a template with is
 * the same under both fingerprints (both partitions put it in the same
 * group). Lines libpg_query cannot parse are excluded (and counted).
 *
 *   node --import tsx bench/fingerprint.ts [--lines N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintSync, loadModule } from '@libpg-query/parser';
import { writeShopLog } from '../corpus/shop/write-log.ts';
import { fingerprintSql } from '../corpus/fingerprint/fingerprint.ts';

const arg = process.argv.indexOf('--lines');
const lines = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const dir = mkdtempSync(join(tmpdir(), 'fd-fp-'));
try {
  const path = join(dir, 'shop.jsonl');
  await writeShopLog({ path, lines, seed: 42, brokenRate: 0 });
  const sqls: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) if (line) sqls.push((JSON.parse(line) as { sql: string }).sql);
  await loadModule();

  const time = (fn: () => void) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  const ours: string[] = Array.from({ length: sqls.length }, () => '');
  const theirs: (string | null)[] = Array.from({ length: sqls.length }, () => null);
  // warm-up on a slice, then the timed passes over every line
  for (let i = 0; i < Math.min(5000, sqls.length); i++) {
    fingerprintSql(sqls[i]!);
    try {
      fingerprintSync(sqls[i]!);
    } catch {
      /* counted below */
    }
  }
  const tOurs = time(() => {
    for (let i = 0; i < sqls.length; i++) ours[i] = fingerprintSql(sqls[i]!).fingerprint;
  });
  let unparsable = 0;
  const tTheirs = time(() => {
    for (let i = 0; i < sqls.length; i++) {
      try {
        theirs[i] = fingerprintSync(sqls[i]!);
      } catch {
        theirs[i] = null;
        unparsable++;
      }
    }
  });

  // agreement: map each line's group under one partition to the other's and back
  const groupOf = (keys: readonly (string | null)[]) => {
    const m = new Map<string, number[]>();
    keys.forEach((k, i) => {
      if (k === null || theirs[i] === null) return;
      const g = m.get(k);
      if (g) g.push(i);
      else m.set(k, [i]);
    });
    return m;
  };
  const gOurs = groupOf(ours);
  const gTheirs = groupOf(theirs);
  let agree = 0;
  let counted = 0;
  const sig = (members: number[]) => `${members.length}:${members[0]}:${members[members.length - 1]}`;
  for (let i = 0; i < sqls.length; i++) {
    if (theirs[i] === null) continue;
    counted++;
    if (sig(gOurs.get(ours[i]!)!) === sig(gTheirs.get(theirs[i]!)!)) agree++;
  }
  const qps = (ms: number) => Math.round((sqls.length / ms) * 1000);
  console.log(`lines: ${sqls.length} (shop log, seed 42); libpg_query could not parse ${unparsable}`);
  console.log(`flightdeck fingerprint:  ${tOurs.toFixed(0)} ms  ${qps(tOurs)} queries/s  ${gOurs.size} templates`);
  console.log(`libpg_query fingerprint: ${tTheirs.toFixed(0)} ms  ${qps(tTheirs)} queries/s  ${gTheirs.size} templates`);
  const ratio = tTheirs / tOurs;
  const agreement = agree / counted;
  console.log(`speed ratio flightdeck/libpg_query: ${ratio.toFixed(1)}x (target >= 3x) ${ratio >= 3 ? 'PASS' : 'MISS'}`);
  console.log(`agreement on shared templates: ${(agreement * 100).toFixed(2)}% of ${counted} lines (target >= 99%) ${agreement >= 0.99 ? 'PASS' : 'MISS'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
