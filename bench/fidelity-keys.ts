/**
 * Plan fidelity over fresh keys: the demo's shop data (scale 0.05, its
 * 200,000-line log) desensitized under N new keys, each snapshot's plans
 * compared with the source's per build. Prints, per key, identical/total and
 * the changed templates with the statistics that moved, then the
 * distribution. The ≥ 95% target must hold for every key, not for a lucky one.
 *   node --import tsx bench/fidelity-keys.ts [keys=8] [builds=duckdb@1.5.6,reference] [dir]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateShop } from '../corpus/shop/generate.ts';
import { writeShopLog } from '../corpus/shop/write-log.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { syntaxError } from '../compiler/parse/parse.ts';
import { loadKey, writeNewKey } from '../flighting/desensitize/key.ts';
import { suggestPolicy } from '../flighting/desensitize/suggest.ts';
import { desensitize } from '../flighting/desensitize/snapshot.ts';
import { measureFidelity } from '../flighting/desensitize/fidelity.ts';
import { readSourceColumns } from '../flighting/desensitize/source.ts';

const keys = Number(process.argv[2] ?? 8);
const builds = (process.argv[3] ?? 'duckdb@1.5.6,reference').split(',');
const given = process.argv[4];
const dir = given ?? mkdtempSync(join(tmpdir(), 'fd-bench-fidelity-'));
mkdirSync(dir, { recursive: true });
try {
  const source = join(dir, 'shop.duckdb');
  const log = join(dir, 'queries.jsonl');
  if (!existsSync(source) || !existsSync(log)) {
    await generateShop({ scale: 0.05, outDir: dir });
    await writeShopLog({ path: log, lines: 200_000 });
  }
  const { policy } = await suggestPolicy({ source });
  const columns = await readSourceColumns(source);
  const templates = (await importLogs([log], { validate: syntaxError })).templates;
  const shares = new Map<string, number[]>(builds.map((b) => [b, []]));
  for (let k = 0; k < keys; k++) {
    const keyPath = join(dir, `k${k}.key`);
    rmSync(keyPath, { force: true });
    writeNewKey(keyPath);
    const key = loadKey(keyPath);
    const snapshot = join(dir, `snap${k}.duckdb`);
    rmSync(snapshot, { force: true });
    await desensitize({ source, policy, key, out: snapshot, maskOnly: true });
    for (const build of builds) {
      const f = await measureFidelity({ source, snapshot, build, workload: 'shop', templates, masking: { policy, key, columns } });
      shares.get(build)!.push(f.identical);
      process.stdout.write(`key ${k} ${build}: ${f.identical} of ${f.templates}\n`);
      for (const c of f.changed) process.stdout.write(`  ${c.template} ${c.reason}\n${(c.statistics ?? []).map((s) => `    ${s}\n`).join('')}`);
    }
    rmSync(snapshot, { force: true });
    rmSync(keyPath, { force: true });
  }
  for (const [build, xs] of shares) {
    const n = templates.length;
    process.stdout.write(`${build}: over ${xs.length} keys identical ${xs.toSorted((a, b) => a - b).join(' ')} of ${n}; min ${(Math.min(...xs) / n * 100).toFixed(1)}%, keys ≥ 95%: ${xs.filter((x) => x / n >= 0.95).length}/${xs.length}\n`);
  }
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true });
}
