/**
 * One entry point for every log format, with auto-detection: a folder is a
 * folder of .sql files; a file is sniffed from its first bytes.
 */
import { open, stat } from 'node:fs/promises';
import { FlightdeckError } from '../../compiler/errors.ts';
import { readJsonLines } from './jsonl.ts';
import { readCsv } from './csv.ts';
import { readSqlDir } from './sql-dir.ts';
import { readPgCsvlog } from './pg-csvlog.ts';
import { readPgStderr, prefixRegex, DEFAULT_LOG_LINE_PREFIX } from './pg-stderr.ts';
import { DEFAULT_MAPPING, type FieldMapping } from './fields.ts';
import { LOG_FORMATS, type LogFormat, type LogRecord } from './types.ts';

export interface ReadLogOptions {
  /** skip detection */
  readonly format?: LogFormat;
  /** CSV column mapping */
  readonly mapping?: FieldMapping;
  /** PostgreSQL log_line_prefix for pg-stderr (default `%m [%p] `) */
  readonly logLinePrefix?: string;
}

export async function readLog(path: string, options: ReadLogOptions = {}): Promise<{ format: LogFormat; records: AsyncGenerator<LogRecord> }> {
  if (options.format && !LOG_FORMATS.includes(options.format)) {
    throw new FlightdeckError('usage-error', `unknown log format '${options.format}'; formats: ${LOG_FORMATS.join(', ')}`);
  }
  const format = options.format ?? (await detectFormat(path, options.logLinePrefix, options.mapping));
  switch (format) {
    case 'jsonl':
      return { format, records: readJsonLines(path) };
    case 'csv':
      return { format, records: readCsv(path, options.mapping ?? DEFAULT_MAPPING) };
    case 'sql-dir':
      return { format, records: readSqlDir(path) };
    case 'pg-csvlog':
      return { format, records: readPgCsvlog(path) };
    case 'pg-stderr':
      return { format, records: readPgStderr(path, options.logLinePrefix ?? DEFAULT_LOG_LINE_PREFIX) };
  }
}

export async function detectFormat(path: string, logLinePrefix?: string, mapping: FieldMapping = DEFAULT_MAPPING): Promise<LogFormat> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new FlightdeckError('not-found', `log not found: ${path}`, { location: { file: path } });
  }
  if (info.isDirectory()) return 'sql-dir';
  const fh = await open(path, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await fh.close();
  }
  // the first line that is not a continuation (a rotated stderr log may start mid-statement)
  const lines = head.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('\t'));
  const firstLine = lines[0] ?? '';
  if (!firstLine) return 'jsonl'; // an empty log: nothing to read, whatever its format
  if (firstLine.trimStart().startsWith('{')) return 'jsonl';
  const stderrPrefix = prefixRegex(logLinePrefix ?? DEFAULT_LOG_LINE_PREFIX);
  if (lines.slice(0, 20).some((l) => stderrPrefix.test(l))) return 'pg-stderr';
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?(?: ?[+-]\d\d(?::?\d\d)?| [A-Za-z]{1,5})?,/.test(firstLine)) return 'pg-csvlog';
  if (path.endsWith('.sql')) throw new FlightdeckError('usage-error', `${path} is a .sql file: pass its folder to read a folder of .sql files`);
  const header = firstLine.toLowerCase().split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  if (header.some((h) => mapping.sql.includes(h))) return 'csv';
  throw new FlightdeckError(
    'usage-error',
    `cannot tell the format of ${path} (first line: ${JSON.stringify(firstLine.slice(0, 80))}); pass --format (${LOG_FORMATS.join(', ')})`,
    { location: { file: path, line: 1 } },
  );
}
