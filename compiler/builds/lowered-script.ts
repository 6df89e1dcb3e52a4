/**
 * A reference build does not execute in its own process: its compile answer
 * carries the lowered script (compiler/lower: `SET name = 'value';` lines,
 * then the one query), and flighting runs that query on a DuckDB engine
 * build opened with those settings (`duckdb@<version>?disabled_optimizers=…`),
 * so the query runs in the same sandbox as every other workload SQL.
 *
 * `splitLoweredScript` reads the script back into its settings and its query.
 * It accepts exactly what the lowering writes — leading lines
 * `SET <name> = '<value>';` and one final statement ending in `;` — and
 * refuses anything else (`unsupported`), including a setting the sandbox
 * refuses to a build spec: the script came through a build process, so it is
 * not trusted either. The query itself still runs as one prepared SELECT.
 */
import { FlightdeckError } from '../errors.ts';
import { refusedSetting } from './duckdb-sandbox.ts';

export interface SplitScript {
  /** `[name, value]` in order, ready for a build spec's `?name=value&…` */
  readonly settings: readonly (readonly [string, string])[];
  /** the query, without its final `;` */
  readonly query: string;
}

const SET_LINE = /^SET ([A-Za-z_][A-Za-z0-9_]*) = '((?:[^'\n]|'')*)';\n/;

export function splitLoweredScript(script: string): SplitScript {
  const settings: [string, string][] = [];
  let rest = script;
  for (let m = SET_LINE.exec(rest); m; m = SET_LINE.exec(rest)) {
    const name = m[1]!;
    const why = refusedSetting(name);
    if (why) throw new FlightdeckError('unsupported', `the lowered script sets '${name}': ${why}`);
    settings.push([name, m[2]!.replace(/''/g, "'")]);
    rest = rest.slice(m[0].length);
  }
  const query = rest.trimEnd();
  if (!query.endsWith(';')) throw new FlightdeckError('unsupported', 'the lowered script does not end with its query and a ";"');
  const body = query.slice(0, -1).trim();
  if (body === '') throw new FlightdeckError('unsupported', 'the lowered script has no query after its settings');
  if (/^(SET|RESET|PRAGMA)\b/i.test(body)) {
    throw new FlightdeckError('unsupported', `the lowered script has a statement that is not a plain setting line: ${body.split('\n')[0]!.slice(0, 80)}`);
  }
  return { settings, query: body };
}

/** `duckdb@<version>` plus the script's settings, as a build spec (values %-escaped; commas kept readable). */
export function engineSpecFor(version: string, settings: readonly (readonly [string, string])[]): string {
  const query = settings.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`).join('&');
  return `duckdb@${version}${query ? `?${query}` : ''}`;
}
