/** Run the real `flightdeck` CLI in a child process. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'flightdeck.js');

/**
 * The launcher's one-line notice that dist/ is stale (a source was edited
 * after the test run built it) is not the command's output: tests compare
 * stderr exactly, and editing while tests run must not fail them.
 * test/cli/startup.test.ts checks the notice itself, without this helper.
 */
const STALE_NOTICE = /^flightdeck: running from the TypeScript sources \(slower start\): [^\n]*\n/;

export function runCli(args: readonly string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, input: options.input, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.replace(STALE_NOTICE, '') };
}

export function spawnCli(args: readonly string[], options: { env?: Record<string, string> } = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { output: () => out.replace(STALE_NOTICE, '') });
}

/**
 * runCli without blocking this process: for tests where this process itself
 * holds something the command needs (a store file another part of the test
 * serves), which a synchronous spawn would keep it from letting go of.
 */
export async function runCliAsync(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<{ status: number; output: string }> {
  const child = spawnCli(args, options);
  const status = await waitForExit(child);
  return { status, output: child.output() };
}

/** Resolves when the child prints a line matching `re` (or rejects after timeoutMs). */
export function waitForOutput(child: ChildProcess & { output: () => string }, re: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (re.test(child.output())) {
        clearInterval(t);
        clearTimeout(limit);
        resolve();
      }
    }, 50);
    // cleared once the output came: a pending timer would keep the test process alive for timeoutMs
    const limit = setTimeout(() => {
      clearInterval(t);
      reject(new Error(`timed out waiting for ${re} in:\n${child.output()}`));
    }, timeoutMs);
  });
}

export function waitForExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  });
}
