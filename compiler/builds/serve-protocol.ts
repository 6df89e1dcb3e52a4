/**
 * The build side of the protocol, for build servers written in TypeScript
 * (reference-server.ts, duckdb-server.ts): read JSON lines from stdin, answer
 * `hello` and `compile` (and `recost` / `execute` when the server has them)
 * one at a time on stdout, stop on `shutdown` or when stdin closes. Anything
 * a handler throws becomes an `ok:false` answer with the FlightdeckError's
 * code and location; an op the server does not implement is answered with
 * code `unsupported-op`; stdout carries nothing else.
 */
import { toFlightdeckError } from '../errors.ts';
import type { CompileResult } from './build.ts';
import type { ExecuteOptions, ExecuteResult } from './execute-result.ts';
import type { ProtocolError } from './protocol.ts';

export interface BuildServer {
  /** open the catalog and get ready; returns the build's name and version */
  hello(catalogPath: string): Promise<{ name: string; version: string }>;
  compile(sql: string): Promise<CompileResult>;
  /** optional: estimate another build's plan IR with this build's cost model (answers `recost`) */
  recost?(plan: unknown): Promise<{ cost: number; rows: number }>;
  /** optional: run a query on the catalog (flighting; answers `execute`) */
  execute?(sql: string, options: ExecuteOptions): Promise<ExecuteResult>;
  close(): Promise<void> | void;
}

function write(answer: object): void {
  process.stdout.write(JSON.stringify(answer) + '\n');
}

export function serveProtocol(server: BuildServer): void {
  let ready = false;
  let chain: Promise<void> = Promise.resolve();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void chain
      .then(() => server.close())
      .catch(() => undefined)
      .then(() => process.exit(0));
  };

  const handle = async (line: string): Promise<void> => {
    let msg: { id?: unknown; op?: unknown; sql?: unknown; catalog?: unknown; plan?: unknown; mode?: unknown; maxRows?: unknown; timeoutMs?: unknown; write?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      process.stderr.write(`build server: ignoring a line that is not JSON: ${line.slice(0, 200)}\n`);
      return;
    }
    if (msg.op === 'shutdown') return stop();
    const id = msg.id;
    if (typeof id !== 'number') {
      process.stderr.write(`build server: ignoring a request without a numeric id\n`);
      return;
    }
    try {
      if (msg.op === 'hello') {
        if (typeof msg.catalog !== 'string') throw new Error('hello needs a "catalog" path');
        const hello = await server.hello(msg.catalog);
        ready = true;
        write({ id, ok: true, ...hello, protocol: 1 });
      } else if (msg.op === 'compile') {
        if (!ready) throw new Error('compile before hello');
        if (typeof msg.sql !== 'string') throw new Error('compile needs a "sql" string');
        const result = await server.compile(msg.sql);
        if (result.ok) {
          const { ok: _ok, ...rest } = result;
          write({ id, ok: true, ...rest });
        } else {
          write({ id, ok: false, error: result.error });
        }
      } else if (msg.op === 'recost' && server.recost) {
        if (!ready) throw new Error('recost before hello');
        const { cost, rows } = await server.recost(msg.plan);
        write({ id, ok: true, cost, rows });
      } else if (msg.op === 'execute' && server.execute) {
        if (!ready) throw new Error('execute before hello');
        const result = await server.execute(...executeArguments(msg));
        write({ id, ...result });
      } else {
        write({ id, ok: false, error: { code: 'unsupported-op', message: `unknown op ${JSON.stringify(msg.op)}` } });
      }
    } catch (err) {
      write({ id, ok: false, error: errorAnswer(err) });
    }
  };

  // split stdin into lines by hand: cheaper per request than node:readline
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() === '' || stopping) continue;
      chain = chain.then(() => handle(line));
    }
  });
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
}

function executeArguments(msg: { sql?: unknown; mode?: unknown; maxRows?: unknown; timeoutMs?: unknown; write?: unknown }): [string, ExecuteOptions] {
  if (typeof msg.sql !== 'string') throw new Error('execute needs a "sql" string');
  if (msg.mode !== 'result' && msg.mode !== 'time') throw new Error('execute needs "mode": "result" or "time"');
  const count = (v: unknown, what: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`execute: "${what}" must be a non-negative integer`);
    return v;
  };
  const maxRows = count(msg.maxRows, 'maxRows');
  const timeoutMs = count(msg.timeoutMs, 'timeoutMs');
  if (msg.write !== undefined && typeof msg.write !== 'boolean') throw new Error('execute: "write" must be true or false');
  return [msg.sql, { mode: msg.mode, ...(maxRows !== undefined ? { maxRows } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(msg.write ? { write: true } : {}) }];
}

export function errorAnswer(err: unknown): ProtocolError {
  const e = toFlightdeckError(err);
  return {
    code: e.code,
    message: e.message,
    ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
    ...(e.location?.column !== undefined ? { column: e.location.column } : {}),
  };
}
