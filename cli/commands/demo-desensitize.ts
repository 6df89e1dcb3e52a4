/**
 * The demo's second step: the shop data desensitized into a Snapshot before
 * anything else sees it, as a release engineer would — a key, a suggested
 * policy (the demo accepts it as is; a person reviews it), the snapshot with
 * its masking report and leak scan, the shop log imported with its literals
 * masked under the same key (the store never holds an original literal), and
 * plan fidelity per build. Playback and flights then run on the snapshot.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importLogs } from '../../corpus/templates/import.ts';
import { syntaxError } from '../../compiler/parse/parse.ts';
import { loadKey, writeNewKey } from '../../flighting/desensitize/key.ts';
import { suggestPolicy } from '../../flighting/desensitize/suggest.ts';
import { desensitize, reportPaths } from '../../flighting/desensitize/snapshot.ts';
import { measureFidelity } from '../../flighting/desensitize/fidelity.ts';
import { writeReportFiles } from '../../flighting/desensitize/report.ts';
import { readSourceColumns } from '../../flighting/desensitize/source.ts';
import { maskImportResult } from '../../flighting/desensitize/mask-workload.ts';
import { Store } from '../../store/store.ts';
import { createProgress } from '../progress.ts';
import { describeLiteralMasking } from './corpus-desensitize.ts';
import { renderSummary } from './desensitize.ts';

const FIDELITY_BUILDS = ['reference', 'duckdb@1.5.6'] as const;

/** The masked workload is stored as `workload`; returns the snapshot's path, or null when the leak scan refused it. */
export async function desensitizeShop(out: string, workload: string): Promise<string | null> {
  const dir = join(out, 'shop');
  const source = join(dir, 'shop.duckdb');
  const keyPath = join(dir, 'shop.key');
  const policyPath = join(dir, 'shop.policy.json');
  const snapshot = join(dir, 'snapshot.duckdb');
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  if (!existsSync(keyPath)) writeNewKey(keyPath);
  const { policy, suggestions } = await suggestPolicy({ source });
  writeFileSync(policyPath, JSON.stringify(policy, null, 2) + '\n');
  const flagged = suggestions.filter((s) => s.detector);
  process.stdout.write(`suggested policy ${policyPath}: ${flagged.length} of ${suggestions.length} columns to mask (${flagged.map((s) => `${s.table}.${s.column} ${s.detector}`).slice(0, 6).join(', ')}, …)\n`);
  const key = loadKey(keyPath);
  const progress = createProgress('desensitize', Object.keys(policy.tables).length + 1);
  let result;
  try {
    result = await desensitize({ source, policy, policyFile: policyPath, key, out: snapshot, onProgress: (step) => progress.step(step) });
  } finally {
    progress.stop();
  }
  process.stdout.write(renderSummary(result.report!, secs()));
  if (!result.snapshot) {
    process.stdout.write(`snapshot NOT written: the leak scan found original values (report: ${result.reportFiles.join(', ')})\n`);
    return null;
  }
  // the shop log again, its literals masked before anything is stored
  const masking = { policy, key, columns: await readSourceColumns(source) };
  const t1 = performance.now();
  const imported = await importLogs([join(dir, 'queries.jsonl')], { validate: syntaxError });
  const masked = maskImportResult(imported, masking);
  const store = await Store.open(join(out, 'store.duckdb'));
  try {
    await store.saveImport(workload, masked.result, `policy ${basename(policyPath)}`);
    const rejects = imported.rejects.filter((r) => !r.kept).map((r) => `${r.reason} ${r.count}`).join(', ');
    process.stdout.write(
      `imported ${imported.entries.toLocaleString('en-US')} log entries in ${((performance.now() - t1) / 1000).toFixed(1)} s as workload ${workload}: ${imported.templates.length} templates (rejected ${rejects}); ${describeLiteralMasking(masked.summary)}\n`,
    );
    // fidelity compares the original templates on the source with their masked twins on the snapshot; the originals stay in memory
    const templates = imported.templates;
    const fidelity = [];
    for (const build of FIDELITY_BUILDS) {
      const f = await measureFidelity({ source, snapshot: result.snapshot, build, workload: 'shop', templates, masking });
      fidelity.push(f);
      process.stdout.write(`fidelity (${f.build}): ${f.identical} of ${f.templates} templates (${(f.share * 100).toFixed(1)}%) get the identical plan on the snapshot\n`);
    }
    writeReportFiles({ ...result.report!, fidelity }, reportPaths(result.snapshot));
  } finally {
    store.close();
  }
  process.stdout.write(`snapshot ${result.snapshot}; masking report ${result.reportFiles.join(', ')}\n`);
  return result.snapshot;
}
