import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { syntaxError } from '../../compiler/parse/parse.ts';
import { importLogs } from '../../corpus/templates/import.ts';
import { mappingFrom, type FieldMapping } from '../../corpus/logs/fields.ts';
import { LOG_FORMATS, type LogFormat } from '../../corpus/logs/types.ts';
import { runCommand, usageError } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';

function parseMapping(text: string | undefined): FieldMapping | undefined {
  if (!text) return undefined;
  const fields = ['sql', 'ts', 'user', 'project', 'durationMs', 'status', 'priority'];
  const overrides: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (!k || !v || !fields.includes(k)) throw usageError(`--csv-map takes field=column pairs with fields ${fields.join(', ')}; got '${pair}'`);
    overrides[k] = v.toLowerCase();
  }
  return mappingFrom(overrides);
}

export function registerCorpusImport(corpus: Command): void {
  withStoreOption(
    corpus
      .command('import')
      .description('read query logs, fingerprint them into templates, and store them as a workload')
      .argument('<logs...>', 'log files or folders of .sql files')
      .requiredOption('--workload <name>', 'workload name (replaced if it exists)')
      .option('--format <format>', `log format (default: detected): ${LOG_FORMATS.join(', ')}`)
      .option('--csv-map <pairs>', 'CSV column mapping, e.g. sql=query_text,ts=started,durationMs=elapsed')
      .option('--log-line-prefix <prefix>', "PostgreSQL log_line_prefix for stderr logs (default '%m [%p] ')"),
  ).action((logs: string[], opts: { workload: string; format?: string; csvMap?: string; logLinePrefix?: string; store?: string }) =>
    runCommand(async () => {
      if (opts.format && !LOG_FORMATS.includes(opts.format as LogFormat)) throw usageError(`--format must be one of ${LOG_FORMATS.join(', ')}; got '${opts.format}'`);
      const started = performance.now();
      let lastLines = 0;
      const tty = process.stderr.isTTY;
      const result = await importLogs(logs.map((l) => resolve(l)), {
        format: opts.format as LogFormat | undefined,
        mapping: parseMapping(opts.csvMap),
        logLinePrefix: opts.logLinePrefix,
        validate: syntaxError,
        progressEvery: 50_000,
        onProgress: (n) => {
          if (tty && n !== lastLines) process.stderr.write(`\rimporting: ${n.toLocaleString('en-US')} lines`);
          lastLines = n;
        },
      });
      if (tty) process.stderr.write('\n');
      await withStore(opts, (store) => store.saveImport(opts.workload, result));
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const out: string[] = [];
      out.push(`workload ${opts.workload}: ${result.templates.length} templates from ${result.entries.toLocaleString('en-US')} queries (${result.files.map((f) => `${f.path} [${f.format}]`).join(', ')}) in ${secs} s`);
      const line = (r: (typeof result.rejects)[number]) => {
        const where = r.examples.map((e) => (result.files.length > 1 ? `${basename(e.file)}:${e.line}` : `${e.line}`)).join(', ');
        return `  ${r.reason.padEnd(16)} ${String(r.count).padStart(8)}   e.g. line ${where}: ${r.examples[0]?.message ?? ''}`;
      };
      if (result.rejected) {
        out.push(`rejected ${result.rejected.toLocaleString('en-US')} lines:`);
        for (const r of result.rejects.filter((x) => !x.kept)) out.push(line(r));
      }
      const kept = result.rejects.filter((x) => x.kept);
      if (kept.length) {
        out.push('kept, though our parser cannot read them (other builds may; the reference build will report them):');
        for (const r of kept) out.push(line(r));
      }
      process.stdout.write(out.join('\n') + '\n');
      return 0;
    }),
  );
}
