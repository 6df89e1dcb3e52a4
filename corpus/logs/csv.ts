/**
 * CSV logs with a header row. Columns are mapped to entry fields by name
 * (see DEFAULT_MAPPING; override with a mapping). Quoted fields may span
 * lines — common for SQL — and line numbers point at the record's first line.
 */
import { Readable } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import { FlightdeckError } from '../../compiler/errors.ts';
import { reject, type LogRecord } from './types.ts';
import { DEFAULT_MAPPING, entryFromFields, type FieldMapping } from './fields.ts';
import { maxLineBytes, readLines, tooLargeLine, tooLargeMessage, type ByteSource, type SourceOptions } from './source.ts';

/** bad rows in a row, before any good one, that make a file "not CSV" */
const NOT_CSV_AFTER = 100;

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
 * csv-parse over the source's strictly decoded lines. Records are bounded
 * before csv-parse sees them: a line over the limit, or a quoted record
 * spanning lines whose text passes the limit, is replaced by as many empty
 * lines (so line numbers stay true) and reported `too-large` at its first
 * line; only a record under the limit is ever held. Bad rows are
 * `bad-csv-row`. Rejects land in `rejects`.
 */
export function csvRecords(source: ByteSource, options: SourceOptions, rejects: LogRecord[], parseOptions: Record<string, unknown>): Parser {
  const file = source.name;
  const limit = maxLineBytes(options);
  async function* text(): AsyncGenerator<string> {
    let pending: string[] = [];
    let size = 0;
    let first = 0;
    let open = false; // inside a quoted field that spans lines
    let over = false;
    const close = (last: number): string => {
      open = false;
      if (!over) return pending.join('\n') + '\n';
      rejects.push(reject('too-large', tooLargeMessage(size, options, 'statement'), file, first));
      return '\n'.repeat(last - first + 1);
    };
    for await (const l of readLines(source, options)) {
      const bytes = l.kind === 'line' ? l.text.length : l.bytes;
      // a quote count that is odd opens or closes a field across the line break ("" escapes come in pairs)
      const toggles = l.kind === 'line' && countQuotes(l.text) % 2 === 1;
      if (!open) {
        if (l.kind === 'too-large') {
          rejects.push(tooLargeLine(file, l, options));
          yield '\n';
        } else if (!toggles) yield l.text + '\n';
        else {
          open = true;
          over = false;
          pending = [l.text];
          size = bytes;
          first = l.n;
        }
        continue;
      }
      size += bytes + 1;
      if (!over && (l.kind === 'too-large' || size > limit)) {
        over = true;
        pending = [];
      }
      if (!over && l.kind === 'line') pending.push(l.text);
      if (toggles) yield close(l.n);
    }
    if (open) yield close(first);
  }
  const input = Readable.from(text(), { objectMode: false });
  const parser = input.pipe(parse({ info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, ...parseOptions }));
  // pipe() does not pass errors on: a read or decoding error must end the records, not leave them waiting
  input.on('error', (err) => parser.destroy(err));
  // csv-parse may report several errors for one bad row: count the row once
  let lastSkipped = -1;
  let skipped = 0;
  parser.on('skip', (err: Error & { lines?: number }) => {
    const line = err.lines ?? 0;
    if (line !== lastSkipped) {
      rejects.push(reject('bad-csv-row', err.message, file, line));
      skipped++;
    }
    lastSkipped = line;
    // not CSV at all (a wrong --format): say so now; csv-parse's error path costs milliseconds per row
    if (skipped >= NOT_CSV_AFTER && parser.info.records === 0) {
      const first = rejects.find((r) => r.kind === 'reject');
      parser.destroy(
        new FlightdeckError('usage-error', `${file} does not read as CSV: its first ${NOT_CSV_AFTER} rows are all bad (${first?.kind === 'reject' ? `line ${first.source.line}: ${first.message}` : err.message}); is --format right?`, {
          location: { file, line: first?.source.line ?? line },
        }),
      );
    }
  });
  return parser;
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

export function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
