import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { importLogs, type ImportResult } from '../../corpus/templates/import.ts';
import { DEFAULT_SCHEMA_MAP, describeSchemaMap, mergeSchemaMaps, parseSchemaMap, searchPathMap, type SchemaMap } from '../../corpus/templates/schema-map.ts';
import { createParserCheck, DEFAULT_CHECK_TIMEOUT_MS } from '../../corpus/templates/parser-check.ts';
import { mappingFrom, type FieldMapping } from '../../corpus/logs/fields.ts';
import { describeFilterCounts } from '../../corpus/logs/record-filter.ts';
import { readLogLinePrefix } from '../../corpus/logs/pg-conf.ts';
import { DEFAULT_LOG_LINE_PREFIX } from '../../corpus/logs/pg-stderr.ts';
import { MAX_OPEN_SESSIONS } from '../../corpus/logs/pg-session.ts';
import { checkEncoding, DEFAULT_MAX_STATEMENT_BYTES, formatBytes, STDIN } from '../../corpus/logs/source.ts';
import { LOG_FORMATS, type LogFormat } from '../../corpus/logs/types.ts';
import { EXIT_FAILED, parsePositive, runCommand, usageError } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';
import { literalMaskingContext, maskImportResult, scanImportLeaks } from '../../flighting/desensitize/mask-workload.ts';
import { describeLiteralMasking } from './corpus-desensitize.ts';

interface ImportCliOptions {
  workload: string;
  replace?: boolean;
  format?: string;
  csvMap?: string;
  logLinePrefix?: string;
  pgConf?: string;
  encoding?: string;
  maxStatementBytes?: string;
  checkTimeout: string;
  check: boolean;
  policy?: string;
  keyFile?: string;
  source?: string;
  schemaMap?: string;
  searchPath?: string;
  store?: string;
  database: string[];
  user: string[];
  application: string[];
  excludeDatabase: string[];
  excludeUser: string[];
  excludeApplication: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseMapping(text: string | undefined): FieldMapping | undefined {
  if (!text) return undefined;
  const fields = ['sql', 'ts', 'user', 'project', 'durationMs', 'status', 'priority', 'application'];
  const overrides: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (!k || !v || !fields.includes(k)) throw usageError(`--csv-map takes field=column pairs with fields ${fields.join(', ')}; got '${pair}'`);
    overrides[k] = v.toLowerCase();
  }
  return mappingFrom(overrides);
}

/** `1048576`, `512KiB`, `4MiB`, `1GiB` (k/m/g and KB/MB/GB read as binary too). */
export function parseBytes(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:(k|m|g)(?:i?b)?|b)?$/i.exec(text.trim());
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? '').toLowerCase()] ?? 1;
  const n = m ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw usageError(`${name} takes a size in bytes, e.g. 1048576, 512KiB or 4MiB; got '${text}'`);
  return n;
}

export function registerCorpusImport(corpus: Command): void {
  withStoreOption(
    corpus
      .command('import')
      .description('read query logs, fingerprint them into templates, and store them as a workload')
      .argument('<logs...>', "log files (.gz too), folders of logs or .sql files, or '-' for standard input")
      .requiredOption('--workload <name>', 'workload name')
      .option('--replace', 'replace the workload if it exists (without it, an existing name is an error)')
      .option('--format <format>', `log format (default: detected): ${LOG_FORMATS.join(', ')}`)
      .option('--csv-map <pairs>', 'CSV column mapping, e.g. sql=query_text,ts=started,durationMs=elapsed')
      .option('--log-line-prefix <prefix>', "PostgreSQL log_line_prefix for stderr logs (default: detected from the log's first lines)")
      .option('--pg-conf <file>', "the server's postgresql.conf: its log_line_prefix (includes followed, postgresql.auto.conf beside it read last) is used for stderr logs")
      .option('--database <name>', 'import only the queries of this database (PostgreSQL logs; the project of other logs); repeat for more', collect, [])
      .option('--user <name>', 'import only the queries of this user; repeat for more', collect, [])
      .option('--application <name>', 'import only the queries of this application_name (csvlog, or %a in the log_line_prefix); repeat for more', collect, [])
      .option('--exclude-database <name>', 'leave out the queries of this database; repeat for more', collect, [])
      .option('--exclude-user <name>', 'leave out the queries of this user; repeat for more', collect, [])
      .option('--exclude-application <name>', 'leave out the queries of this application_name; repeat for more', collect, [])
      .option('--encoding <label>', 'text encoding of the logs: utf-8 (default), latin1, windows-1252, shift_jis, ...')
      .option('--max-statement-bytes <size>', `longest statement to import; longer ones are rejected too-large (default ${formatBytes(DEFAULT_MAX_STATEMENT_BYTES)})`)
      .option('--check-timeout <seconds>', "time our parser may take to check one template before it is kept and flagged", String(DEFAULT_CHECK_TIMEOUT_MS / 1000))
      .option('--no-check', 'do not check templates with our parser (the reference build reports them at playback)')
      .option('--policy <file>', 'masking policy (see `flightdeck desensitize`): literals compared with masked columns are masked before anything is stored')
      .option('--key-file <file>', 'with --policy: the masking key the snapshot was made with')
      .option('--source <db>', 'with --policy: the source database, for key ranges and a leak scan of the stored texts')
      .option('--schema-map <pairs>', "schemas of the log → of the catalog, rewritten in the stored SQL: from=to pairs, 'public=' to drop a qualifier, or none (default public=main)")
      .option('--search-path <schemas>', "PostgreSQL search_path: its schemas map to the catalog's main (e.g. app,public; with --schema-map, both apply)"),
  ).action((logs: string[], opts: ImportCliOptions) => runCommand(() => importCommand(logs, opts)));
}

function schemaMapOption(opts: ImportCliOptions): SchemaMap {
  const map = opts.schemaMap === undefined ? (opts.searchPath === undefined ? DEFAULT_SCHEMA_MAP : new Map<string, string>()) : parseSchemaMap(opts.schemaMap);
  return opts.searchPath === undefined ? map : mergeSchemaMaps(map, searchPathMap(opts.searchPath));
}

async function importCommand(logs: string[], opts: ImportCliOptions): Promise<number> {
  if (opts.format && !LOG_FORMATS.includes(opts.format as LogFormat)) throw usageError(`--format must be one of ${LOG_FORMATS.join(', ')}; got '${opts.format}'`);
  if (logs.filter((l) => l === STDIN).length > 1) throw usageError("standard input ('-') can be read once");
  const encoding = checkEncoding(opts.encoding);
  const maxStatementBytes = opts.maxStatementBytes === undefined ? DEFAULT_MAX_STATEMENT_BYTES : parseBytes('--max-statement-bytes', opts.maxStatementBytes);
  const timeoutMs = parsePositive('--check-timeout', opts.checkTimeout) * 1000;
  const schemaMap = schemaMapOption(opts);
  // refuse before reading: replacing a workload is never a side effect of a typo in its name
  const existing = await withStore(opts, (store) => store.getWorkload(opts.workload));
  if (existing && !opts.replace) {
    throw usageError(`workload '${opts.workload}' exists (${existing.entries.toLocaleString('en-US')} queries, imported ${existing.createdAt}); pass --replace to replace it, or choose another --workload`);
  }
  if (opts.policy && !opts.keyFile) throw usageError('--policy needs --key-file (the key the snapshot was made with)');
  if (!opts.policy && (opts.keyFile || opts.source)) throw usageError('--key-file and --source go with --policy');
  // loaded before reading, so a bad policy or key fails at once
  const masking = opts.policy
    ? await literalMaskingContext({ policyFile: resolve(opts.policy), keyFile: resolve(opts.keyFile!), ...(opts.source ? { source: resolve(opts.source) } : {}) })
    : null;
  if (opts.pgConf && opts.logLinePrefix !== undefined) throw usageError('pass --log-line-prefix or --pg-conf, not both');
  const conf = opts.pgConf ? await readLogLinePrefix(resolve(opts.pgConf)) : null;
  // a postgresql.conf that leaves log_line_prefix out means the server's default
  const prefix = opts.pgConf
    ? { logLinePrefix: conf?.prefix ?? DEFAULT_LOG_LINE_PREFIX, logLinePrefixFrom: conf ? `${basename(conf.file)} line ${conf.line}` : `the default; ${basename(opts.pgConf)} does not set it` }
    : opts.logLinePrefix !== undefined ? { logLinePrefix: opts.logLinePrefix, logLinePrefixFrom: '--log-line-prefix' } : {};
  if (logs.includes(STDIN) && process.stdin.isTTY) process.stderr.write('reading queries from standard input (end with Ctrl-D)\n');
  const started = performance.now();
  let lastLines = 0;
  const tty = process.stderr.isTTY;
  const checker = opts.check ? createParserCheck({ timeoutMs }) : null;
  let result: ImportResult;
  try {
    result = await importLogs(logs.map((l) => (l === STDIN ? l : resolve(l))), {
      format: opts.format as LogFormat | undefined,
      mapping: parseMapping(opts.csvMap),
      ...prefix,
      filter: {
        include: { database: opts.database, user: opts.user, application: opts.application },
        exclude: { database: opts.excludeDatabase, user: opts.excludeUser, application: opts.excludeApplication },
      },
      encoding,
      maxStatementBytes,
      schemaMap,
      ...(checker ? { validate: (sql: string) => checker.check(sql) } : {}),
      progressEvery: 50_000,
      onProgress: (n) => {
        if (tty && n !== lastLines) process.stderr.write(`\rimporting: ${n.toLocaleString('en-US')} lines`);
        lastLines = n;
      },
    });
  } finally {
    await checker?.close();
  }
  if (tty) process.stderr.write('\n');
  for (const w of result.warnings ?? []) process.stderr.write(`${w}\n`);
  const masked = masking ? maskImportResult(result, masking) : null;
  if (masked) result = masked.result;
  if (masked && opts.source) {
    // fail closed: what the masker could not attribute to a column must not reach the store
    const scan = await scanImportLeaks(result, resolve(opts.source), masking!.policy);
    if (scan.hit) {
      process.stderr.write(
        `error: nothing stored: ${scan.hit.rows} of ${scan.texts} texts of the import still hold original values of masked columns ` +
          `(${scan.hit.secrets} distinct values; literals the masker cannot attribute to a column, e.g. inside a function call, a comment or a select list); ` +
          `workload '${opts.workload}' is ${existing ? 'left as it was' : 'not created'}\n`,
      );
      return EXIT_FAILED;
    }
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  let report = describeImport(opts.workload, result, secs);
  if (result.schemaMapped) report += `schemas: ${describeSchemaMap(schemaMap)} in ${result.schemaMapped.toLocaleString('en-US')} statements\n`;
  if (result.templates.length === 0) {
    process.stdout.write(report);
    const dropped = (result.filtered ?? []).reduce((n, f) => n + f.dropped, 0);
    const why = dropped && !result.entries ? `the filters dropped all ${dropped.toLocaleString('en-US')} queries (see above)` : result.rejected ? `all ${result.rejected.toLocaleString('en-US')} lines were rejected (see above)` : 'no queries found (empty log, or a folder without .sql or log files?)';
    const kept = existing ? `workload '${opts.workload}' is left as it was` : `workload '${opts.workload}' was not created`;
    process.stderr.write(`error: nothing imported: ${why}${opts.format ? `; is --format ${opts.format} right?` : ''}; ${kept}\n`);
    return EXIT_FAILED;
  }
  await withStore(opts, (store) => store.saveImport(opts.workload, result, masked ? `policy ${basename(opts.policy!)}` : null));
  process.stdout.write(report);
  if (masked) {
    process.stdout.write(`literals: ${describeLiteralMasking(masked.summary)}\n`);
    if (!opts.source) process.stdout.write('note: without --source, literals the masker cannot attribute to a masked column were not leak-scanned; pass --source DB to refuse an import that would keep original values\n');
  }
  return 0;
}

function describeImport(workload: string, result: ImportResult, secs: string): string {
  const out: string[] = [];
  const sources = result.files.map((f) => `${f.path} [${f.format}${f.prefixDetected ? `, log_line_prefix '${f.logLinePrefix}' detected` : ''}]`).join(', ');
  out.push(`workload ${workload}: ${result.templates.length} templates from ${result.entries.toLocaleString('en-US')} queries (${sources}) in ${secs} s`);
  const line = (r: (typeof result.rejects)[number]) => {
    const where = r.examples.map((e) => (result.files.length > 1 ? `${basename(e.file)}:${e.line}` : `${e.line}`)).join(', ');
    return `  ${r.reason.padEnd(16)} ${String(r.count).padStart(8)}   e.g. line ${where}: ${r.examples[0]?.message ?? ''}`;
  };
  const filtered = (result.filtered ?? []).reduce((n, f) => n + f.dropped, 0);
  if (result.filtered) {
    out.push(`filtered out ${filtered.toLocaleString('en-US')} queries:`);
    for (const f of describeFilterCounts(result.filtered)) out.push(`  ${f}`);
  }
  if (result.rejected) {
    out.push(`rejected ${result.rejected.toLocaleString('en-US')} lines:`);
    for (const r of result.rejects.filter((x) => !x.kept)) {
      out.push(line(r));
      const kinds = Object.entries(result.skippedByKind).toSorted((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      if (r.reason === 'not-a-query' && kinds.length) out.push(`  ${''.padEnd(16)} ${''.padStart(8)}   by kind: ${kinds.map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ')}`);
    }
  }
  if (result.sessionsEvicted) {
    out.push(
      `sessions: ${result.sessionsEvicted.toLocaleString('en-US')} closed early (over ${MAX_OPEN_SESSIONS.toLocaleString('en-US')} open at once; the least recently active first): a statement waiting in one was counted without a duration logged after it`,
    );
  }
  if (result.queryIds) {
    const ids = new Set(Object.values(result.queryIds).flat()).size;
    out.push(`query ids: ${ids.toLocaleString('en-US')} csvlog query_id values in ${Object.keys(result.queryIds).length} of ${result.templates.length} templates (in the import result, not stored with the workload)`);
  }
  const failed = result.templates.filter((t) => t.errorCount > 0);
  if (failed.length) {
    const n = failed.reduce((s, t) => s + t.errorCount, 0);
    out.push(`failed in production: ${n.toLocaleString('en-US')} queries in ${failed.length} template${failed.length > 1 ? 's' : ''} (counted in their templates; corpus show gives each one's errors and first error)`);
  }
  const kept = result.rejects.filter((x) => x.kept);
  if (kept.length) {
    out.push('kept, though our parser cannot read them (other builds may; the reference build will report them):');
    for (const r of kept) out.push(line(r));
  }
  return out.join('\n') + '\n';
}
