/**
 * CSV logs with a header row. Columns are mapped to entry fields by name
 * (see DEFAULT_MAPPING; override with a mapping). Quoted fields may span
 * lines — common for SQL — and line numbers point at the record's first line.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { reject, type LogRecord } from './types.ts';
import { DEFAULT_MAPPING, entryFromFields, type FieldMapping } from './fields.ts';

export async function* readCsv(file: string, mapping: FieldMapping = DEFAULT_MAPPING): AsyncGenerator<LogRecord> {
  const rejects: LogRecord[] = [];
  const parser = createReadStream(file, { encoding: 'utf8' }).pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      bom: true,
    }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    rejects.push(reject('bad-csv-row', err.message, file, err.lines ?? 0));
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

export function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
