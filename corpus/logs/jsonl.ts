/**
 * JSON lines, flightdeck's native log format: one object per line with
 * `sql` (required), `ts`, `user`, `project`, `duration_ms`, `status`,
 * `priority` (see docs/log-formats.md). `query`/`statement` are accepted for `sql`.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { reject, type LogRecord } from './types.ts';
import { entryFromFields } from './fields.ts';

export async function* readJsonLines(file: string): AsyncGenerator<LogRecord> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      yield reject('malformed-json', `not valid JSON: ${(err as Error).message}`, file, n);
      continue;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      yield reject('malformed-json', 'a log line must be a JSON object', file, n);
      continue;
    }
    yield entryFromFields(obj as Record<string, unknown>, file, n);
  }
}
