/**
 * Settings read from a postgresql.conf, as the server reads them: one
 * `name = value` (the `=` is optional) per line, `#` starts a comment outside
 * quotes, a quoted value takes `''` or `\'` for a quote and backslash escapes,
 * names are case-insensitive, and the last assignment wins. `include`,
 * `include_if_exists` and `include_dir` are not followed.
 */
import { readFile } from 'node:fs/promises';
import { FlightdeckError } from '../../compiler/errors.ts';

export type PgSettings = ReadonlyMap<string, { readonly value: string; readonly line: number }>;

export function parsePgConf(text: string, file = 'postgresql.conf'): PgSettings {
  const settings = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const m = /^\s*([A-Za-z_][\w.-]*)\s*=?\s*/.exec(raw);
    if (!m || raw.trimStart().startsWith('#')) {
      if (raw.trim() && !raw.trimStart().startsWith('#')) throw confError(file, line, 'expected name = value');
      return;
    }
    const rest = raw.slice(m[0].length);
    let value: string;
    if (rest.startsWith("'")) {
      value = '';
      let j = 1;
      for (;;) {
        if (j >= rest.length) throw confError(file, line, 'unterminated quoted value');
        const c = rest[j]!;
        if (c === "'" && rest[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (c === "'") {
          j++;
          break;
        } else if (c === '\\' && j + 1 < rest.length) {
          const e = rest[j + 1]!;
          value += { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }[e] ?? e;
          j += 2;
        } else {
          value += c;
          j++;
        }
      }
      const after = rest.slice(j).trim();
      if (after && !after.startsWith('#')) throw confError(file, line, `unexpected text after the quoted value of ${m[1]}`);
    } else {
      value = (/^[^#\s]*/.exec(rest)?.[0] ?? '').trim();
      const after = rest.slice(value.length).trim();
      if (after && !after.startsWith('#')) throw confError(file, line, `a value with spaces must be quoted ('...') for ${m[1]}`);
    }
    settings.set(m[1]!.toLowerCase(), { value, line });
  });
  return settings;
}

/** The log_line_prefix a postgresql.conf sets, or null when it leaves the default. */
export async function readLogLinePrefix(path: string): Promise<{ prefix: string; line: number } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FlightdeckError(code === 'ENOENT' ? 'not-found' : 'io-error', `cannot read --pg-conf ${path}: ${(err as Error).message}`, { location: { file: path }, cause: err });
  }
  const s = parsePgConf(text, path).get('log_line_prefix');
  return s ? { prefix: s.value, line: s.line } : null;
}

function confError(file: string, line: number, message: string): FlightdeckError {
  return new FlightdeckError('usage-error', `${file} line ${line}: ${message}`, { location: { file, line } });
}
