/**
 * CSV logs with a header row. Columns are mapped to entry fields by name
 * (see DEFAULT_MAPPING; override with a mapping). Quoted fields may span
 * lines — common for SQL — and line numbers point at the record's first line.
 */
import { Readable } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import { reject, type LogRecord } from './types.ts';
import { DEFAULT_MAPPING, entryFromFields, type FieldMapping } from './fields.ts';
import { maxLineBytes, readLines, tooLargeLine, tooLargeMessage, type ByteSource, type SourceOptions } from './source.ts';

export async function* readCsv(source: ByteSource, mapping: FieldMapping = DEFAULT_MAPPING, options: SourceOptions = {}): AsyncGenerator<LogRecord> {
  const file = source.name;
  const rejects: LogRecord[] = [];
  const parser = csvRecords(source, options, rejects, {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    bom: true,
  });
  for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; records: number } }>) {
    while (rejects.length) yield rejects.shift()!;
    // info.lines is the line where the record ends; count back the newlines inside it
    const text = Object.values(rec.record).join('');
    const inner = countNewlines(text);
    yield entryFromFields(rec.record, file, rec.info.lines - inner, mapping);
  }
  while (rejects.length) yield rejects.shift()!;
}

/**
 * csv-parse over the source's strictly decoded lines. A line over the
 * limit is replaced by an empty one (so line numbers stay true) and reported
 * `too-large`; a record over the limit (quoted across lines) is skipped as
 * `too-large`, other bad rows as `bad-csv-row`. Rejects land in `rejects`.
 */
export function csvRecords(source: ByteSource, options: SourceOptions, rejects: LogRecord[], parseOptions: Record<string, unknown>): Parser {
  const file = source.name;
  async function* text(): AsyncGenerator<string> {
    for await (const l of readLines(source, options)) {
      if (l.kind === 'too-large') {
        rejects.push(tooLargeLine(file, l, options));
        yield '\n';
      } else yield l.text + '\n';
    }
  }
  const input = Readable.from(text(), { objectMode: false });
  const parser = input.pipe(
    parse({ info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, max_record_size: maxLineBytes(options), ...parseOptions }),
  );
  // pipe() does not pass errors on: a read or decoding error must end the records, not leave them waiting
  input.on('error', (err) => parser.destroy(err));
  parser.on('skip', (err: Error & { lines?: number; code?: string }) => {
    if (err.code === 'CSV_MAX_RECORD_SIZE') rejects.push(reject('too-large', tooLargeMessage(maxLineBytes(options), options, 'statement'), file, err.lines ?? 0));
    else rejects.push(reject('bad-csv-row', err.message, file, err.lines ?? 0));
  });
  return parser;
}

export function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
