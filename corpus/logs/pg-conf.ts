/**
 * Settings read from a postgresql.conf, as the server reads them: one
 * `name = value` (the `=` is optional) per line, `#` starts a comment outside
 * quotes, a quoted value takes `''` or `\'` for a quote and backslash escapes,
 * names are case-insensitive, and the last assignment wins. `include`,
 * `include_if_exists` and `include_dir` are followed where they stand,
 * relative to the including file (an include cycle is refused; an
 * include_dir's `.conf` entries are every one that is not a directory,
 * symlinks included, as PostgreSQL stats them), and `postgresql.auto.conf`
 * (what ALTER SYSTEM writes into the data directory: under `data_directory`
 * when the conf sets it, as Debian's /etc/postgresql/15/main does, else
 * beside the file) is read last: it overrides.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';

export type PgSettings = ReadonlyMap<string, { readonly value: string; readonly line: number }>;

/** One assignment, in file order. */
export interface PgConfEntry {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

/** A setting with the file it was last set in (an included one, or postgresql.auto.conf). */
export interface PgSetting {
  readonly value: string;
  readonly line: number;
  readonly file: string;
}

/** PostgreSQL's limit on nested includes */
const MAX_INCLUDE_DEPTH = 10;

export function parsePgConf(text: string, file = 'postgresql.conf'): PgSettings {
  const settings = new Map<string, { value: string; line: number }>();
  for (const e of parsePgConfEntries(text, file)) settings.set(e.name, { value: e.value, line: e.line });
  return settings;
}

/** The assignments of one file, in order (include directives too, by their names), names lower-cased. */
export function parsePgConfEntries(text: string, file = 'postgresql.conf'): PgConfEntry[] {
  const entries: PgConfEntry[] = [];
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
    entries.push({ name: m[1]!.toLowerCase(), value, line });
  });
  return entries;
}

/**
 * The settings of a postgresql.conf as the server reads them: includes
 * followed in place, then postgresql.auto.conf (when there is one) from the
 * data_directory the conf sets, else (not there, or not set) beside the conf.
 */
export async function readPgConf(path: string): Promise<ReadonlyMap<string, PgSetting>> {
  const settings = new Map<string, PgSetting>();
  const text = await readConf(path, null);
  await apply(path, text!, settings, []);
  // the server reads it from its data directory: where data_directory says (Debian keeps the conf in /etc), else beside the conf
  const dataDir = settings.get('data_directory');
  const places = [...(dataDir?.value ? [resolve(dirname(dataDir.file), dataDir.value)] : []), dirname(path)];
  for (const dir of new Set(places.map((d) => resolve(d)))) {
    const auto = join(dir, 'postgresql.auto.conf');
    if (auto === resolve(path)) continue;
    const autoText = await readConf(auto, null, true);
    if (autoText === null) continue;
    await apply(auto, autoText, settings, []);
    break;
  }
  return settings;
}

/** The log_line_prefix a postgresql.conf sets (with its includes and postgresql.auto.conf), or null when it leaves the default. */
export async function readLogLinePrefix(path: string): Promise<{ prefix: string; line: number; file: string } | null> {
  const s = (await readPgConf(path)).get('log_line_prefix');
  return s ? { prefix: s.value, line: s.line, file: s.file } : null;
}

async function apply(file: string, text: string, settings: Map<string, PgSetting>, stack: readonly string[]): Promise<void> {
  const real = await realpath(file);
  const chain = [...stack, real];
  for (const e of parsePgConfEntries(text, file)) {
    if (e.name !== 'include' && e.name !== 'include_if_exists' && e.name !== 'include_dir') {
      settings.set(e.name, { value: e.value, line: e.line, file });
      continue;
    }
    const at = { file, line: e.line };
    if (!e.value) throw confError(file, e.line, `${e.name} needs a file name`);
    const target = resolve(dirname(file), e.value);
    if (chain.length > MAX_INCLUDE_DEPTH) throw confError(file, e.line, `${e.name} '${e.value}': includes nest deeper than ${MAX_INCLUDE_DEPTH}`);
    const files = e.name === 'include_dir' ? await confDir(target, at) : [target];
    for (const f of files) {
      const content = await readConf(f, at, e.name === 'include_if_exists');
      if (content === null) continue;
      const realF = await realpath(f);
      if (chain.includes(realF)) throw confError(file, e.line, `${e.name} '${e.value}': ${f} is already being read (it includes itself, an include cycle)`);
      await apply(f, content, settings, chain);
    }
  }
}

/**
 * The `.conf` files of an include_dir, in name order (names starting with `.`
 * left out, as PostgreSQL does): every entry that is not a directory once
 * followed, so a symlink to a file counts; one that cannot be stat'ed (a
 * dangling symlink) is an error, as in PostgreSQL.
 */
async function confDir(dir: string, at: { file: string; line: number }): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw confError(at.file, at.line, `cannot read include_dir ${dir}: ${(err as Error).message}`);
  }
  const files: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.conf') && !n.startsWith('.')).toSorted((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = join(dir, name);
    try {
      if (!(await stat(path)).isDirectory()) files.push(path);
    } catch (err) {
      throw confError(at.file, at.line, `include_dir ${dir}: cannot stat ${path}: ${(err as Error).message}`);
    }
  }
  return files;
}

/** A file's text; null when it is missing and may be (include_if_exists, postgresql.auto.conf). */
async function readConf(path: string, at: { file: string; line: number } | null, mayBeMissing = false): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (mayBeMissing && code === 'ENOENT') return null;
    if (at) throw confError(at.file, at.line, `cannot read included file ${path}: ${(err as Error).message}`);
    throw new FlightdeckError(code === 'ENOENT' ? 'not-found' : 'io-error', `cannot read --pg-conf ${path}: ${(err as Error).message}`, { location: { file: path }, cause: err });
  }
}

function confError(file: string, line: number, message: string): FlightdeckError {
  return new FlightdeckError('usage-error', `${file} line ${line}: ${message}`, { location: { file, line } });
}
