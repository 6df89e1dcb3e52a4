/**
 * Approvals written by several processes at once: every approval is kept
 * (lock, re-read, merge, atomic replace), a lock left by a dead process is
 * taken over, a live one is waited for and then named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalsLockPath, loadApprovals, recordApprovals, type Approval } from '../../playback/approvals.ts';
import { BIN, ROOT } from '../helpers/cli.ts';
import { SEED_RUN, seedFingerprint, seedStore } from '../store/seed.ts';

const PROCESSES = 8;

const approval = (i: number): Approval => ({ fingerprint: seedFingerprint(i), headPlanHash: `head-${seedFingerprint(i)}`, template: '', verdict: 'regressed', by: `p${i}`, why: 'intended', at: '2026-12-03T00:00:00.000Z' });

function collect(child: ChildProcess): Promise<{ code: number; out: string }> {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, out })));
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fd-approvals-'));
}

test(`${PROCESSES} processes recording approvals at the same instant keep all of them`, async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'flightdeck.approvals.json');
    const go = join(dir, 'go');
    const moduleUrl = new URL('../../playback/approvals.ts', import.meta.url).href;
    // each child loads the module, says ready, then spins until the go file appears: all write at once
    const code = `
      const { recordApprovals } = await import(${JSON.stringify(moduleUrl)});
      const { existsSync } = await import('node:fs');
      process.stdout.write('ready\\n');
      const tick = new Int32Array(new SharedArrayBuffer(4));
      while (!existsSync(process.env.FD_GO)) Atomics.wait(tick, 0, 0, 1);
      await recordApprovals(process.env.FD_PATH, [JSON.parse(process.env.FD_APPROVAL)]);
    `;
    const children = Array.from({ length: PROCESSES }, (_, i) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: ROOT, env: { ...process.env, FD_GO: go, FD_PATH: path, FD_APPROVAL: JSON.stringify(approval(i)) }, stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    await Promise.all(children.map((c) => new Promise<void>((resolve, reject) => {
      c.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      c.once('exit', (status) => reject(new Error(`child exited (${status}) before it was ready`)));
    })));
    const done = children.map(collect);
    writeFileSync(go, '');
    const results = await Promise.all(done);
    for (const r of results) assert.equal(r.code, 0, r.out);
    const kept = loadApprovals(path).approvals.map((a) => a.fingerprint);
    assert.deepEqual(kept, Array.from({ length: PROCESSES }, (_, i) => seedFingerprint(i)));
    assert.deepEqual(readdirSync(dir).sort(), ['flightdeck.approvals.json', 'go'], 'no lock or temporary file is left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`${PROCESSES} parallel \`flightdeck approve\` on one store and one approvals file keep every approval`, async () => {
  const dir = tempDir();
  try {
    const store = join(dir, 'store.duckdb');
    await seedStore(store, PROCESSES);
    const path = join(dir, 'flightdeck.approvals.json');
    const runs = Array.from({ length: PROCESSES }, (_, i) =>
      collect(spawn(process.execPath, [BIN, 'approve', '--store', store, '--run', SEED_RUN, '--template', seedFingerprint(i), '--by', `reviewer${i}`, '--why', 'intended', '--approvals', path], {
        cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
      })),
    );
    const results = await Promise.all(runs);
    for (const r of results) assert.equal(r.code, 0, r.out);
    const kept = loadApprovals(path).approvals;
    assert.deepEqual(kept.map((a) => a.fingerprint), Array.from({ length: PROCESSES }, (_, i) => seedFingerprint(i)));
    assert.deepEqual(kept.map((a) => a.by), Array.from({ length: PROCESSES }, (_, i) => `reviewer${i}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a process that died is taken over; a live lock is waited for, then named', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'flightdeck.approvals.json');
    const lock = approvalsLockPath(path);
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await recordApprovals(path, [approval(0)]);
    assert.deepEqual(loadApprovals(path).approvals.map((a) => a.fingerprint), [seedFingerprint(0)]);
    assert.equal(existsSync(lock), false);

    mkdirSync(lock); // fresh: its holder is alive
    await assert.rejects(recordApprovals(path, [approval(1)], { retries: 2 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'environment-error');
      assert.match(err.message, /approvals file .* stayed locked by another flightdeck approve \(lock .*\.lock\)/);
      return true;
    });
    assert.deepEqual(loadApprovals(path).approvals.map((a) => a.fingerprint), [seedFingerprint(0)], 'nothing written without the lock');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rewriting keeps the file mode and leaves no temporary file', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'flightdeck.approvals.json');
    writeFileSync(path, JSON.stringify({ version: 1, approvals: [] }));
    chmodSync(path, 0o600);
    await recordApprovals(path, [approval(0)]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['flightdeck.approvals.json']);
    assert.match(readFileSync(path, 'utf8'), /"fingerprint": "fp00"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
