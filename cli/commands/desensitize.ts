/**
 * `flightdeck desensitize`: write a masking key, suggest a policy, or mask
 * a source into a Snapshot with its masking report. The key is never printed.
 */
import type { Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadKey, writeNewKey } from '../../flighting/desensitize/key.ts';
import { loadPolicy } from '../../flighting/desensitize/policy.ts';
import type { MaskingReport } from '../../flighting/desensitize/report.ts';
import { desensitize, reportPaths } from '../../flighting/desensitize/snapshot.ts';
import { measureFidelity } from '../../flighting/desensitize/fidelity.ts';
import { writeReportFiles } from '../../flighting/desensitize/report.ts';
import { readSourceColumns } from '../../flighting/desensitize/source.ts';
import { withStore } from '../store-option.ts';
import { suggestPolicy, type Suggestion } from '../../flighting/desensitize/suggest.ts';
import { createProgress } from '../progress.ts';
import { EXIT_FAILED, parsePositiveInt, runCommand, usageError } from '../run-command.ts';

interface Options {
  newKey?: string;
  suggest?: boolean;
  source?: string;
  sample: string;
  policy?: string;
  keyFile?: string;
  out?: string;
  threads?: string;
  workload?: string;
  build: string[];
  store?: string;
}

export function registerDesensitize(program: Command): void {
  program
    .command('desensitize')
    .description('mask real data into a snapshot, with a report proving what was masked and that nothing leaked')
    .option('--new-key <file>', 'write a new masking key (32 random bytes, mode 0600) and exit')
    .option('--suggest', 'propose a policy from column names and sampled values (writes --out POLICY.json)')
    .option('--source <path>', 'source: a DuckDB database (opened read-only) or a folder of .parquet/.csv files')
    .option('--sample <n>', '--suggest: rows sampled per table', '2000')
    .option('--policy <file>', 'masking policy (JSON; every column listed)')
    .option('--key-file <file>', 'masking key (see --new-key)')
    .option('--out <path>', 'the snapshot (.duckdb) to write, or with --suggest the policy file')
    .option('--threads <n>', 'DuckDB threads')
    .option('--workload <name>', 'fidelity: compile this stored workload on the source and on the snapshot')
    .option('--build <spec>', 'fidelity: the build to compile with (repeatable; default reference)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--store <path|url>', 'results store holding --workload: a DuckDB file or a postgresql:// URL (default $FLIGHTDECK_STORE or .flightdeck/flightdeck.duckdb)')
    .addHelpText('after', `
Steps:
  flightdeck desensitize --new-key shop.key
  flightdeck desensitize --suggest --source shop.duckdb --out shop.policy.json   # review it
  flightdeck desensitize --source shop.duckdb --policy shop.policy.json --key-file shop.key --out snap.duckdb
The report is written beside the snapshot (snap.report.md, snap.report.json). A leak found
by the scan writes the report but no snapshot, and exits 1.`)
    .action((opts: Options) => runCommand(() => desensitizeCommand(opts)));
}

async function desensitizeCommand(opts: Options): Promise<number> {
  if (opts.newKey) {
    if (opts.suggest || opts.source) throw usageError('--new-key writes a key and nothing else');
    writeNewKey(resolve(opts.newKey));
    process.stdout.write(`wrote a new masking key to ${resolve(opts.newKey)} (32 random bytes, mode 0600); keep it apart from snapshots: whoever holds it can re-compute pseudonyms of guessed values\n`);
    return 0;
  }
  if (!opts.source) throw usageError('--source is required (or --new-key FILE)');
  if (!opts.out) throw usageError('--out is required');
  const out = resolve(opts.out);
  const started = performance.now();
  const secs = () => ((performance.now() - started) / 1000).toFixed(1);
  if (opts.suggest) {
    const { policy, suggestions } = await suggestPolicy({ source: opts.source, sample: parsePositiveInt('--sample', opts.sample) });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(policy, null, 2) + '\n');
    renameSync(tmp, out);
    process.stdout.write(renderSuggestions(suggestions));
    process.stdout.write(`wrote ${out} (${suggestions.filter((s) => s.detector).length} of ${suggestions.length} columns to mask) in ${secs()} s; review it before masking\n`);
    return 0;
  }
  if (!opts.policy) throw usageError('--policy is required (write one with --suggest)');
  if (!opts.keyFile) throw usageError('--key-file is required (write one with --new-key)');
  const policy = loadPolicy(resolve(opts.policy));
  const key = loadKey(resolve(opts.keyFile));
  const tables = Object.keys(policy.tables).length;
  const progress = createProgress('desensitize', tables + 1);
  let result;
  try {
    result = await desensitize({
      source: opts.source, policy, policyFile: opts.policy, key, out,
      ...(opts.threads ? { threads: parsePositiveInt('--threads', opts.threads) } : {}),
      onProgress: (step) => progress.step(step),
    });
  } finally {
    progress.stop();
  }
  const r = result.report!;
  process.stdout.write(renderSummary(r, secs()));
  process.stdout.write(`report: ${result.reportFiles.join(', ')}\n`);
  if (!result.snapshot) {
    process.stdout.write(`NOT WRITTEN: the leak scan found original values in the snapshot; mask the columns listed in the report and run again\n`);
    return EXIT_FAILED;
  }
  process.stdout.write(`wrote ${result.snapshot}\n`);
  if (opts.workload) {
    const templates = await withStore(opts, async (store) => {
      if (!(await store.getWorkload(opts.workload!))) throw usageError(`no workload '${opts.workload}' in the store`);
      return store.getTemplates(opts.workload!);
    });
    const masking = { policy, key, columns: await readSourceColumns(opts.source) };
    const fidelity = [];
    for (const build of opts.build.length ? opts.build : ['reference']) {
      const f = await measureFidelity({ source: resolve(opts.source), snapshot: result.snapshot, build, workload: opts.workload, templates, masking });
      fidelity.push(f);
      process.stdout.write(`fidelity (${f.build}): ${f.identical} of ${f.templates} templates (${(f.share * 100).toFixed(1)}%) get the identical plan on the snapshot${f.changed.length ? `; changed: ${f.changed.map((c) => c.template).join(', ')}` : ''}\n`);
    }
    const withFidelity = { ...r, fidelity };
    writeReportFiles(withFidelity, reportPaths(result.snapshot));
  }
  return r.summary.checksFailed.length ? EXIT_FAILED : 0;
}

export function renderSummary(r: MaskingReport, secs: string): string {
  const s = r.summary;
  const l = r.leakScan;
  return [
    `masked ${r.tables.length} tables from ${r.source.path}: ${s.columns} columns, ${s.masked} masked (${s.dropped} dropped), in ${secs} s`,
    `checks (row counts, null fractions, distinct counts within 1%): ${s.checksFailed.length ? `FAILED ${s.checksFailed.join(', ')}` : 'all pass'}`,
    `leak scan: ${l.leaks} rows holding any of ${l.secrets} original values of ${l.secretColumns} masked columns, in ${l.targetsScanned} string columns${l.hits.length ? ` (${l.hits.map((h) => `${h.table}.${h.column}: ${h.rows}${h.coincidences ? `, ${h.coincidences} coincidental` : ''}`).join('; ')})` : ''}`,
  ].join('\n') + '\n';
}

function renderSuggestions(list: readonly Suggestion[]): string {
  const rows = list.filter((s) => s.detector);
  const w = Math.max(...rows.map((s) => `${s.table}.${s.column}`.length), 12);
  return rows.map((s) => `${`${s.table}.${s.column}`.padEnd(w)}  ${String(s.detector).padEnd(12)} ${s.confidence.toFixed(2)}  ${s.policy.kind.padEnd(10)} ${s.reason}`).join('\n') + '\n';
}
