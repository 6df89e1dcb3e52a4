/**
 * One running build process, seen from the host: spawns it in its own process
 * group, reads its stdout as JSON lines, keeps the last ~4 KB of its stderr,
 * sends one request at a time and waits for the answer, a time limit, or the
 * process's death. Killing takes the whole process group (a build that starts
 * helpers of its own leaves nothing behind). Every live build process is
 * killed when the host exits, also on SIGINT / SIGTERM / SIGHUP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseAnswerLine, shorten } from './protocol-lines.ts';

const STDERR_TAIL = 4096;
const NEWLINE = 0x0a;
/** longest answer line accepted by default (process-build.ts makes it configurable) */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** after the process exits, how long to wait for its stdout to drain */
const DRAIN_MS = 200;

export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** longest answer line accepted (bytes); a longer one is `too-large` */
  readonly maxLineBytes?: number;
}

/** How one request ended. */
export type RequestOutcome =
  | { readonly kind: 'answer'; readonly value: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'exit'; readonly reason: string }
  | { readonly kind: 'too-large'; readonly reason: string; readonly limitBytes: number }
  | { readonly kind: 'protocol'; readonly reason: string };

interface InFlight {
  readonly id: number;
  readonly resolve: (o: RequestOutcome) => void;
}

export class BuildProcess {
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private stderrTail = '';
  /** pieces of the stdout line not yet ended, and their total length */
  private parts: Buffer[] = [];
  private partLength = 0;
  private scanned = 0;
  private discarding = false;
  private readonly maxLineBytes: number;
  private inFlight: InFlight | undefined;
  private exitReason: string | undefined;
  private readonly exited: Promise<void>;
  private closed = false;

  constructor(spec: SpawnSpec) {
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? childEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group: kill(-pid) takes its helpers too; no terminal signals
    });
    this.maxLineBytes = spec.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.pid = this.child.pid;
    if (this.pid !== undefined) LIVE.add(this);
    installExitHooks();
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: Buffer) => this.onStdout(chunk));
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.child.stdin!.on('error', () => {
      // EPIPE when the build died: its exit is reported through 'exit'
    });
    this.exited = new Promise((resolve) => {
      let spawnError: string | undefined;
      this.child.on('error', (err: NodeJS.ErrnoException) => {
        spawnError = err.code === 'ENOENT' ? `cannot start '${spec.command}': no such file or command` : `cannot start '${spec.command}': ${err.message}`;
        if (this.pid === undefined) finish(spawnError);
      });
      const finish = (reason: string) => {
        if (this.exitReason !== undefined) return;
        this.exitReason = reason;
        LIVE.delete(this);
        this.failInFlight({ kind: 'exit', reason: this.describeExit(reason) });
        resolve();
      };
      this.child.on('exit', (code, signal) => {
        const reason = spawnError ?? (signal ? `build was killed by signal ${signal}` : `build exited with code ${code}`);
        // let stdout drain: an answer written just before exiting still counts
        const timer = setTimeout(() => {
          // a leftover helper still holds the pipes: let go of them so it cannot keep the host alive
          this.child.stdout?.destroy();
          this.child.stderr?.destroy();
          this.child.stdin?.destroy();
          finish(reason);
        }, DRAIN_MS);
        this.child.once('close', () => {
          clearTimeout(timer);
          finish(reason);
        });
      });
    });
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  /** bytes of stdout searched for line ends so far: one pass means this equals the bytes read */
  get scannedBytes(): number {
    return this.scanned;
  }

  /** Send one request and wait for its answer, a time limit (the process is then killed) or the process's end. */
  request(message: { readonly id: number } & Record<string, unknown>, timeoutMs: number): Promise<RequestOutcome> {
    if (this.inFlight) throw new Error('BuildProcess.request: a request is already in flight');
    if (!this.alive) return Promise.resolve({ kind: 'exit', reason: this.describeExit(this.exitReason!) });
    return new Promise<RequestOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.inFlight?.id !== message.id) return;
        this.inFlight = undefined;
        // answer only once the process is gone, so callers never see a live hung process
        void this.kill().then(() => resolve({ kind: 'timeout' }));
      }, timeoutMs);
      this.inFlight = {
        id: message.id,
        resolve: (o) => {
          clearTimeout(timer);
          this.inFlight = undefined;
          resolve(o);
        },
      };
      this.child.stdin!.write(JSON.stringify(message) + '\n');
    });
  }

  /** Ask the build to stop, wait up to `graceMs`, then kill it. Resolves once it is gone. */
  async shutdown(graceMs = 1000): Promise<void> {
    if (!this.alive) return this.exited;
    if (!this.closed) {
      this.closed = true;
      this.child.stdin!.end(JSON.stringify({ op: 'shutdown' }) + '\n');
    }
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
    if ((await Promise.race([this.exited.then(() => 'gone' as const), timer])) === 'late') await this.kill();
  }

  /** SIGKILL the process group; resolves once the process has been reaped. */
  kill(): Promise<void> {
    if (this.alive) killGroup(this.child);
    return this.exited;
  }

  /**
   * Split stdout into lines in one pass: each piece is searched for `\n` once,
   * the pieces of an unfinished line are kept as they came and joined once
   * when the line ends (a 40 MB answer in 64 KB pieces costs 40 MB of
   * scanning, not the whole buffer again per piece). A line longer than the
   * limit fails the waiting request with `too-large` as soon as it is crossed.
   */
  private onStdout(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      this.scanned += (nl < 0 ? chunk.length : nl + 1) - start;
      if (nl < 0) {
        this.keepPartial(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.partLength + piece.length > this.maxLineBytes) {
        this.lineTooLong();
        return;
      }
      const line = this.parts.length === 0 ? piece : Buffer.concat([...this.parts, piece]);
      this.parts = [];
      this.partLength = 0;
      const text = line.toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') this.onLine(text);
      if (!this.alive || this.discarding) return;
    }
  }

  private keepPartial(piece: Buffer): void {
    if (this.partLength + piece.length > this.maxLineBytes) return this.lineTooLong();
    // copy: a piece of a larger chunk would keep the whole chunk alive
    this.parts.push(this.parts.length === 0 && piece.length === piece.buffer.byteLength ? piece : Buffer.from(piece));
    this.partLength += piece.length;
  }

  /** The build is writing a line over the limit: stop reading it and fail the waiting request. */
  private lineTooLong(): void {
    this.parts = [];
    this.partLength = 0;
    this.discarding = true;
    this.child.stdout!.removeAllListeners('data');
    this.child.stdout!.resume(); // drain whatever is still coming until the process is gone
    const waiting = this.inFlight;
    const reason = `the build's answer is larger than ${this.maxLineBytes} bytes`;
    if (waiting) {
      this.inFlight = undefined;
      void this.kill().then(() => waiting.resolve({ kind: 'too-large', reason, limitBytes: this.maxLineBytes }));
    } else {
      this.stderrTail = (this.stderrTail + `\n[flightdeck] ${reason}\n`).slice(-STDERR_TAIL);
      void this.kill();
    }
  }

  private onLine(line: string): void {
    const parsed = parseAnswerLine(line);
    if (parsed.kind === 'invalid') return this.protocolFault(parsed.reason);
    if (!this.inFlight) return this.protocolFault(`the build answered id ${parsed.id} while no request was waiting`);
    if (parsed.id !== this.inFlight.id) {
      return this.protocolFault(`the build answered id ${parsed.id}, but the request waiting is id ${this.inFlight.id}`);
    }
    this.inFlight.resolve({ kind: 'answer', value: parsed.value });
  }

  /**
   * The build broke the protocol: fail the waiting request and kill the
   * process, whose state no longer matches ours (the next request respawns).
   */
  private protocolFault(reason: string): void {
    const waiting = this.inFlight;
    if (waiting) {
      this.inFlight = undefined;
      void this.kill().then(() => waiting.resolve({ kind: 'protocol', reason }));
    } else {
      this.stderrTail = (this.stderrTail + `\n[flightdeck] ${reason}\n`).slice(-STDERR_TAIL);
      void this.kill();
    }
  }

  private failInFlight(outcome: RequestOutcome): void {
    const waiting = this.inFlight;
    if (waiting) waiting.resolve(outcome);
  }

  private describeExit(reason: string): string {
    const tail = this.stderrTail.trim();
    return tail ? `${reason}; stderr: ${shorten(tail.slice(-1500), 1500)}` : reason;
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The environment for a build process: ours, minus what would confuse a child node process. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  // a build (possibly a third party's `command:` program) never sees the queue's credentials
  delete env.FLIGHTDECK_QUEUE;
  return env;
}

const LIVE = new Set<BuildProcess>();
let hooksInstalled = false;

/** Number of build processes this host has running (for tests and diagnostics). */
export function liveBuildProcesses(): number {
  return LIVE.size;
}

function killAll(): void {
  for (const p of LIVE) {
    if (p.pid === undefined) continue;
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      // keep the default behaviour (terminate) unless someone else handles the signal
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
