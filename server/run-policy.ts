/**
 * What a run started from the API may touch on the server. Starting a run is
 * a reviewer's right, not a shell: a `command:` build runs a program, a
 * catalog or snapshot path reads a file, a queue URL opens a connection — so
 * each is limited to what the person who started the server allowed:
 * - command builds: only the exact specs given with `--allow-build SPEC`
 *   (reference and duckdb builds are this flightdeck's own and always allowed);
 * - catalogs and snapshots: files inside the data folders (`--data-dir`,
 *   default the server's working directory), after following symlinks;
 * - queues: `local`, or a URL given with `--queue`.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseBuildSpec } from '../compiler/builds/spec.ts';
import { HttpError, redactSecrets } from './api-error.ts';

export interface RunPolicyOptions {
  /** command build specs the API may start, exactly as written */
  readonly commandBuilds?: readonly string[];
  /** folders catalogs and snapshots must be inside (default: the working directory) */
  readonly dataDirs?: readonly string[];
  /** queue URLs besides `local` */
  readonly queues?: readonly string[];
}

export class RunPolicy {
  private readonly commands: ReadonlySet<string>;
  private readonly dirs: readonly string[];
  private readonly queues: ReadonlySet<string>;

  constructor(o: RunPolicyOptions = {}) {
    this.commands = new Set((o.commandBuilds ?? []).map((s) => s.trim()));
    this.dirs = (o.dataDirs?.length ? o.dataDirs : [process.cwd()]).map((d) => real(resolve(d)) ?? resolve(d));
    this.queues = new Set(o.queues ?? []);
  }

  /** a build spec the API may start (a usage error in the spec is the caller's 400) */
  build(spec: string, field: string): void {
    let parsed;
    try {
      parsed = parseBuildSpec(spec);
    } catch (err) {
      throw new HttpError('bad-request', err instanceof Error ? err.message : String(err), field);
    }
    if (parsed.kind === 'command' && !this.commands.has(spec.trim())) {
      throw new HttpError('forbidden', `command builds run a program on the server; this one was not allowed: start the server with --allow-build '${spec.trim()}' to allow it`, field);
    }
  }

  /** the real path of a catalog or snapshot inside a data folder */
  file(path: string, field: string): string {
    const full = real(resolve(path));
    if (!full) throw new HttpError('bad-request', `${field.replace(/^body\./, '')}: no such file on the server`, field);
    if (!this.dirs.some((d) => inside(full, d))) {
      throw new HttpError('forbidden', `${field.replace(/^body\./, '')}: outside the server's data folders (${this.dirs.length} allowed; start the server with --data-dir to add one)`, field);
    }
    return full;
  }

  queue(url: string | undefined): void {
    if (url === undefined || url === 'local' || this.queues.has(url)) return;
    throw new HttpError('forbidden', `queue ${redactSecrets(url)} was not configured: start the server with --queue URL to let runs use it`, 'body.queue');
  }
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function inside(path: string, dir: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}
