/**
 * One entry point for every log format, with auto-detection: a file (or
 * `.gz` file, or `-` for standard input) is sniffed from its first bytes; a
 * folder of .sql files is read as one log (`sql-dir`); a folder without .sql
 * files is read as its logs (.jsonl, .ndjson, .json, .csv, .log, each maybe
 * .gz), one after the other in name order (rotated logs are named by time).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { readJsonLines } from './jsonl.ts';
import { readCsv } from './csv.ts';
import { readSqlDir } from './sql-dir.ts';
import { readPgCsvlog } from './pg-csvlog.ts';
import { readPgStderr } from './pg-stderr.ts';
import { detectLogLinePrefix, hasSessionLine, KNOWN_PREFIXES, looksLikePgStderr, prefixMismatchError, sampleLines, scorePrefix } from './pg-prefix-detect.ts';
import type { PgSessionJoiner } from './pg-session.ts';
import { DEFAULT_MAPPING, type FieldMapping } from './fields.ts';
import { ByteSource, checkEncoding, decodeText, isGzipName, STDIN, type SourceOptions } from './source.ts';
import { LOG_FORMATS, type LogFormat, type LogRecord } from './types.ts';

export interface ReadLogOptions extends SourceOptions {
  /** skip detection */
  readonly format?: LogFormat;
  /** CSV column mapping */
  readonly mapping?: FieldMapping;
  /** PostgreSQL log_line_prefix for pg-stderr (default: detected from the log's first lines) */
  readonly logLinePrefix?: string;
  /** where logLinePrefix came from, for messages (e.g. `postgresql.conf line 12`) */
  readonly logLinePrefixFrom?: string;
  /**
   * PostgreSQL logs of one folder: the joiner of each format, shared by its
   * files (a statement at the end of one rotated file, its duration at the
   * start of the next); the caller ends it after the folder's last file
   */
  readonly pgSessions?: (format: 'pg-stderr' | 'pg-csvlog') => PgSessionJoiner;
  /** pg-stderr, no prefix given: the prefix an earlier log of the same folder was detected with */
  readonly folderPrefix?: string;
}

export interface OpenedLog {
  readonly format: LogFormat;
  readonly records: AsyncGenerator<LogRecord>;
  /** pg-stderr: the log_line_prefix it is read with, and whether it was detected */
  readonly logLinePrefix?: string;
  readonly prefixDetected?: boolean;
  /** the prefix was detected from session lines (not background lines alone): it may decide a folder's prefix */
  readonly prefixDecides?: boolean;
  /** one line for the user: the log does not fit the prefix of its folder */
  readonly warning?: string;
}

interface StderrPrefix {
  readonly prefix: string;
  readonly detected: boolean;
  readonly decides?: boolean;
  readonly warning?: string;
}

/** file names read as logs inside a folder (besides .sql files): `.jsonl`, `.ndjson`, `.json`, `.csv`, `.log`, rotated ones (`.log.1`, `.csv.2.gz`, `.log-20240301`), each maybe .gz */
export const LOG_FILE_NAME = /\.(?:jsonl|ndjson|json|csv|log)(?:[.-]\d+)*(?:\.gz)?$/i;
const HEAD_BYTES = 64 * 1024;
/** a stderr log whose head holds background-process lines only is looked at further, up to this */
const LONG_HEAD_BYTES = 1024 * 1024;

export async function readLog(path: string, options: ReadLogOptions = {}): Promise<OpenedLog> {
  if (options.format && !LOG_FORMATS.includes(options.format)) {
    throw new FlightdeckError('usage-error', `unknown log format '${options.format}'; formats: ${LOG_FORMATS.join(', ')}`);
  }
  checkEncoding(options.encoding);
  if (path !== STDIN && (await isDirectory(path))) return { format: 'sql-dir', records: readSqlDir(path, options) };
  if (options.format === 'sql-dir') {
    throw new FlightdeckError('usage-error', `--format sql-dir reads a folder of .sql files; ${path} is not a folder`, { location: { file: path } });
  }
  const source = ByteSource.open(path);
  const head = options.format && options.format !== 'pg-stderr' ? '' : await readHead(source, options.encoding);
  const detected = options.format ? { format: options.format } : detectFromHead(path, head, options);
  const format = detected.format;
  switch (format) {
    case 'jsonl':
      return { format, records: readJsonLines(source, options) };
    case 'csv':
      return { format, records: readCsv(source, options.mapping ?? DEFAULT_MAPPING, options) };
    case 'pg-csvlog':
      return { format, records: readPgCsvlog(source, options, options.pgSessions?.('pg-csvlog')) };
    case 'pg-stderr': {
      const prefix = 'prefix' in detected && detected.prefix ? detected.prefix : stderrPrefix(path, head, options);
      return {
        format,
        records: readPgStderr(source, prefix.prefix, options, options.pgSessions?.('pg-stderr')),
        logLinePrefix: prefix.prefix,
        prefixDetected: prefix.detected,
        ...(prefix.decides ? { prefixDecides: true } : {}),
        ...(prefix.warning ? { warning: prefix.warning } : {}),
      };
    }
    case 'sql-dir':
      throw new FlightdeckError('internal-error', 'sql-dir is only detected for folders');
  }
}

/**
 * What `path` stands for as a list of logs: itself; for a folder with .sql
 * files, itself (read as `sql-dir`, other files ignored as they always were);
 * for a folder without, its log files in name order (importLogs puts them in
 * time order, see pg-folder.ts). A folder with neither
 * is an empty `sql-dir`.
 */
export async function expandLogPath(path: string): Promise<string[]> {
  if (path === STDIN || !(await isDirectory(path))) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as { path?: string }).path ?? path, e.name));
  const hasSql = files.some((f) => f.toLowerCase().endsWith('.sql'));
  const logs = files.filter((f) => LOG_FILE_NAME.test(f)).toSorted();
  return hasSql || logs.length === 0 ? [path] : logs;
}

export async function detectFormat(path: string, logLinePrefix?: string, mapping: FieldMapping = DEFAULT_MAPPING, encoding?: string): Promise<LogFormat> {
  if (path !== STDIN && (await isDirectory(path))) return 'sql-dir';
  const source = ByteSource.open(path);
  return detectFromHead(path, await readHead(source, encoding), { logLinePrefix, mapping }).format;
}

/** A log's format and its first bytes as text, without reading on (for ordering a folder's logs). */
export async function readLogHead(path: string, options: ReadLogOptions = {}): Promise<{ format: LogFormat; head: string }> {
  const source = ByteSource.open(path);
  try {
    const head = await readHead(source, options.encoding);
    return { format: options.format ?? detectFromHead(path, head, options).format, head };
  } finally {
    source.close();
  }
}

/**
 * The log_line_prefix to read a stderr log with: the one given (if it fits
 * at least half of the first record lines), else the known one that fits
 * best; a log neither fits is refused with its first line.
 */
function stderrPrefix(path: string, head: string, options: ReadLogOptions): StderrPrefix {
  const lines = sampleLines(head);
  if (!lines.length) return { prefix: options.logLinePrefix ?? KNOWN_PREFIXES[0]!, detected: false };
  if (options.logLinePrefix !== undefined) {
    const s = scorePrefix(options.logLinePrefix, lines);
    if (s.matched * 2 >= lines.length && s.matched > 0) return { prefix: options.logLinePrefix, detected: false };
    throw prefixMismatchError(path === STDIN ? 'standard input' : path, head, [options.logLinePrefix], options.logLinePrefixFrom);
  }
  const found = detectLogLinePrefix(head);
  const folder = options.folderPrefix;
  if (folder !== undefined) {
    // one prefix per folder (the first log that could tell decided): a log of background lines alone cannot
    const ours = scorePrefix(folder, lines);
    if (ours.matched > 0 && ours.matched * 2 >= lines.length && (!found || found.matched <= ours.matched)) return { prefix: folder, detected: true };
    if (found) {
      const warning =
        `warning: ${path}: its lines fit the log_line_prefix '${found.prefix}' (${found.matched} of the first ${found.sampled} record lines), ` +
        `not '${folder}' detected in an earlier log of its folder (${ours.matched} of them): reading it with '${found.prefix}'; pass --log-line-prefix to choose one`;
      return { prefix: found.prefix, detected: true, warning };
    }
  }
  if (found) return { prefix: found.prefix, detected: true, decides: found.sessionLines > 0 };
  throw prefixMismatchError(path === STDIN ? 'standard input' : path, head, KNOWN_PREFIXES);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    throw new FlightdeckError('not-found', `log not found: ${path}`, { location: { file: path } });
  }
}

/**
 * The head of a log as text; a PostgreSQL stderr log whose first 64 KiB are
 * background-process lines only is read further (up to 1 MiB), until lines
 * of sessions tell its prefix apart.
 */
async function readHead(source: ByteSource, encoding?: string): Promise<string> {
  const bytes = await source.head(HEAD_BYTES);
  const head = decodeHead(bytes, HEAD_BYTES, source.name, encoding);
  if (bytes.length < HEAD_BYTES || hasSessionLine(head) || !looksLikePgStderr(head)) return head;
  return decodeHead(await source.head(LONG_HEAD_BYTES), LONG_HEAD_BYTES, source.name, encoding);
}

/** The head decoded strictly, up to its last complete line (a cut multi-byte character is not an error). */
function decodeHead(head: Buffer, asked: number, name: string, encoding?: string): string {
  const lastNl = head.lastIndexOf(10);
  const whole = head.length < asked || lastNl < 0 ? head : head.subarray(0, lastNl + 1);
  return decodeText(whole, name, encoding);
}

function detectFromHead(path: string, head: string, options: ReadLogOptions): { format: LogFormat; prefix?: StderrPrefix } {
  const mapping = options.mapping ?? DEFAULT_MAPPING;
  const name = isGzipName(path) ? path.slice(0, -3) : path;
  // the first line that is not a continuation (a rotated stderr log may start mid-statement)
  const lines = head.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('\t'));
  const firstLine = lines[0] ?? '';
  if (!firstLine) return { format: 'jsonl' }; // an empty log: nothing to read, whatever its format
  if (firstLine.trimStart().startsWith('{')) return { format: 'jsonl' };
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?(?: ?[+-]\d\d(?::?\d\d)?| [A-Za-z]{1,5})?,/.test(firstLine)) return { format: 'pg-csvlog' };
  // a PostgreSQL stderr log: with the prefix given, else a detected one; one that fits neither is refused, not read as nothing
  if (looksLikePgStderr(head) || detectLogLinePrefix(head) || (options.logLinePrefix !== undefined && scorePrefix(options.logLinePrefix, lines.slice(0, 50)).matched > 0)) return { format: 'pg-stderr', prefix: stderrPrefix(path, head, options) };
  if (name.endsWith('.sql')) throw new FlightdeckError('usage-error', `${path} is a .sql file: pass its folder to read a folder of .sql files`);
  const header = firstLine.toLowerCase().split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  if (header.some((h) => mapping.sql.includes(h))) return { format: 'csv' };
  throw new FlightdeckError(
    'usage-error',
    `cannot tell the format of ${path === STDIN ? 'standard input' : path} (first line, literals left out: ${JSON.stringify(firstLine.replace(/'[^']*'?/g, "'…'").replace(/"[^"]*"?/g, '"…"').slice(0, 80))}); pass --format (${LOG_FORMATS.join(', ')})`,
    { location: { file: path, line: 1 } },
  );
}
