/**
 * Build specs: the one-string names of builds on the command line, in run
 * records and in rollouts.
 *
 *   reference[@<git-ref>][#<profile>]        this repo's compiler (work tree, or a commit)
 *   duckdb[@<version>][?<setting>=<value>&...] a shipped DuckDB version as the optimizer under test
 *   command:<path> [args...]                  an external compiler speaking docs/build-protocol.md
 */
import { FlightdeckError } from '../errors.ts';
import { DUCKDB_VERSIONS, findDuckdbVersion, type DuckdbVersion } from './duckdb-versions.ts';
import { refusedSetting } from './duckdb-sandbox.ts';

export type BuildSpec =
  | {
      readonly kind: 'reference';
      /** the git ref to build from; undefined = the work tree */
      readonly ref: string | undefined;
      /** rule profile spec, e.g. `default`, `heuristic`, `default,-reorder-joins` */
      readonly profile: string;
    }
  | {
      readonly kind: 'duckdb';
      readonly version: DuckdbVersion;
      /** `SET name = value` applied in order when the build opens */
      readonly settings: readonly (readonly [string, string])[];
    }
  | {
      readonly kind: 'command';
      readonly command: string;
      readonly args: readonly string[];
    };

export const SPEC_SYNTAX: readonly string[] = [
  'reference[@<git-ref>][#<profile>]',
  'duckdb[@<version>][?<setting>=<value>&...]',
  'command:<path> [args...]',
];

const usage = (spec: string, why: string) =>
  new FlightdeckError('usage-error', `bad build spec '${spec}': ${why}. Build specs: ${SPEC_SYNTAX.join(' | ')}`);

export function parseBuildSpec(spec: string): BuildSpec {
  const s = spec.trim();
  if (s.startsWith('command:')) return parseCommand(spec, s.slice('command:'.length));
  if (s === 'reference' || s.startsWith('reference@') || s.startsWith('reference#')) return parseReference(spec, s.slice('reference'.length));
  if (s === 'duckdb' || s.startsWith('duckdb@') || s.startsWith('duckdb?')) return parseDuckdb(spec, s.slice('duckdb'.length));
  throw usage(spec, s === '' ? 'it is empty' : 'unknown build kind');
}

function parseReference(spec: string, rest: string): BuildSpec {
  let ref: string | undefined;
  let profile = 'default';
  const hash = rest.indexOf('#');
  const refPart = hash >= 0 ? rest.slice(0, hash) : rest;
  if (hash >= 0) {
    profile = rest.slice(hash + 1).trim();
    if (!profile) throw usage(spec, "'#' must be followed by a rule profile (default, none, heuristic, or e.g. default,-reorder-joins)");
  }
  if (refPart.startsWith('@')) {
    ref = refPart.slice(1);
    if (!ref) throw usage(spec, "'@' must be followed by a git ref (a branch, tag or commit)");
    if (ref.startsWith('-') || /\s/.test(ref) || ref.includes('..')) throw usage(spec, `'${ref}' is not a git ref`);
  } else if (refPart !== '') {
    throw usage(spec, `unexpected '${refPart}' after 'reference'`);
  }
  return { kind: 'reference', ref, profile };
}

function parseDuckdb(spec: string, rest: string): BuildSpec {
  const q = rest.indexOf('?');
  const versionPart = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q + 1) : undefined;
  let version = DUCKDB_VERSIONS[0]!;
  if (versionPart.startsWith('@')) {
    const wanted = versionPart.slice(1);
    const found = findDuckdbVersion(wanted);
    if (!found) {
      throw new FlightdeckError(
        'usage-error',
        `bad build spec '${spec}': DuckDB ${wanted || '(empty version)'} is not shipped; shipped versions: ${DUCKDB_VERSIONS.map((v) => v.version).join(', ')}`,
      );
    }
    version = found;
  } else if (versionPart !== '') {
    throw usage(spec, `unexpected '${versionPart}' after 'duckdb'`);
  }
  const settings: [string, string][] = [];
  if (query !== undefined) {
    if (query === '') throw usage(spec, "'?' must be followed by settings, e.g. ?disabled_optimizers=join_order");
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw usage(spec, `setting '${pair}' is not <name>=<value>`);
      const name = pair.slice(0, eq).trim();
      let value: string;
      try {
        value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        throw usage(spec, `setting '${pair}' has a bad %-escape`);
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usage(spec, `'${name}' is not a setting name`);
      const refused = refusedSetting(name);
      if (refused) throw usage(spec, refused);
      settings.push([name, value]);
    }
  }
  return { kind: 'duckdb', version, settings };
}

function parseCommand(spec: string, rest: string): BuildSpec {
  const words = splitCommandLine(spec, rest);
  if (words.length === 0) throw usage(spec, "'command:' must be followed by the program to run");
  return { kind: 'command', command: words[0]!, args: words.slice(1) };
}

/** Split on whitespace; '...' quotes literally, "..." quotes with \" and \\ escapes, \ escapes outside quotes. */
function splitCommandLine(spec: string, text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw usage(spec, 'unterminated single quote');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        word += text[j];
      }
      if (j >= text.length) throw usage(spec, 'unterminated double quote');
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The canonical text of a parsed spec (what `Build.spec` and run records show). */
export function formatBuildSpec(spec: BuildSpec): string {
  switch (spec.kind) {
    case 'reference':
      return `reference${spec.ref !== undefined ? `@${spec.ref}` : ''}${spec.profile !== 'default' ? `#${spec.profile}` : ''}`;
    case 'duckdb': {
      const settings = spec.settings.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`).join('&');
      return `duckdb@${spec.version.version}${settings ? `?${settings}` : ''}`;
    }
    case 'command':
      return `command:${[spec.command, ...spec.args].map(quoteWord).join(' ')}`;
  }
}

function quoteWord(w: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
