/**
 * JSON lines, flightdeck's native log format: one object per line with
 * `sql` (required), `ts`, `user`, `project`, `duration_ms`, `status`,
 * `priority` (see docs/log-formats.md). `query`/`statement` are accepted for `sql`.
 */
import { reject, type LogRecord } from './types.ts';
import { entryFromFields } from './fields.ts';
import { readLines, tooLargeLine, type ByteSource, type SourceOptions } from './source.ts';

export async function* readJsonLines(source: ByteSource, options: SourceOptions = {}): AsyncGenerator<LogRecord> {
  const file = source.name;
  for await (const l of readLines(source, options)) {
    if (l.kind === 'too-large') {
      yield tooLargeLine(file, l, options);
      continue;
    }
    const line = l.text;
    if (!line.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      yield reject('malformed-json', `not valid JSON: ${(err as Error).message}`, file, l.n);
      continue;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      yield reject('malformed-json', 'a log line must be a JSON object', file, l.n);
      continue;
    }
    yield entryFromFields(obj as Record<string, unknown>, file, l.n);
  }
}
