/**
 * System errors reach the user named, with the path and exit 2: a full disk
 * under the store or the approvals file, output to a full device, a path
 * that is a file where a folder belongs (or the reverse), a pipe, no
 * permission. Nothing half-written is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { SEED_RUN, seedFingerprint, seedStore } from '../store/seed.ts';

const MB = 1024 * 1024;

/** a log of `templates` distinct, wide queries (~6 KB of SQL each) */
function writeWideLog(path: string, templates: number): void {
  const cols = Array.from({ length: 800 }, (_, c) => `column_${c}`).join(', ');
  writeFileSync(path, Array.from({ length: templates }, (_, i) => JSON.stringify({ sql: `select ${cols} from wide_table_${i}` })).join('\n') + '\n');
}

test('a full disk under the store says "no space left on <store>" and loses nothing already stored', async (t) => {
  const fs = mountTmpfs(4 * MB);
  if (typeof fs === 'string') return t.skip(fs);
  const dir = mkdtempSync(join(tmpdir(), 'fd-full-'));
  try {
    const store = join(fs.dir, 'store.duckdb');
    await seedStore(store, 4);
    const log = join(dir, 'wide.jsonl');
    writeWideLog(log, 120);
    const filler = fs.fill();
    truncateSync(filler, statSync(filler).size - 256 * 1024); // room to open the store, not to write the import
    const r = runCli(['corpus', 'import', log, '--workload', 'wide', '--store', store]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, `error: environment-error: no space left on ${store}: free space on that disk or choose another place\n`);
    rmSync(filler);
    const show = runCli(['corpus', 'show', '--store', store]);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^w +4 templates/m);
    assert.doesNotMatch(show.stdout, /wide/);
  } finally {
    fs.unmount();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk under the approvals file keeps the old file whole and leaves no temporary file', async (t) => {
  const fs = mountTmpfs(1 * MB);
  if (typeof fs === 'string') return t.skip(fs);
  const dir = mkdtempSync(join(tmpdir(), 'fd-full-'));
  try {
    const store = join(dir, 'store.duckdb');
    await seedStore(store, 2);
    const approvals = join(fs.dir, 'flightdeck.approvals.json');
    const first = runCli(['approve', '--store', store, '--run', SEED_RUN, '--template', seedFingerprint(0), '--by', 'ana', '--why', 'ok', '--approvals', approvals]);
    assert.equal(first.status, 0, first.stderr);
    const before = readFileSync(approvals, 'utf8');
    fs.fill();
    const r = runCli(['approve', '--store', store, '--run', SEED_RUN, '--template', seedFingerprint(1), '--by', 'ana', '--why', 'ok', '--approvals', approvals]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, `error: environment-error: no space left on ${approvals}: free space on that disk or choose another place\n`);
    assert.equal(readFileSync(approvals, 'utf8'), before);
    assert.deepEqual(readdirSync(fs.dir).sort(), ['filler', 'flightdeck.approvals.json']);
  } finally {
    fs.unmount();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('output to a full device is an error (exit 2), not a silent success', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-full-'));
  try {
    const store = join(dir, 'store.duckdb');
    await seedStore(store, 2);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" runs --store "${store}" > /dev/full`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'error: environment-error: no space left on standard output: free space on that disk or choose another place\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file where a folder belongs, a folder or pipe where a file belongs: environment-error with the path, never a hang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-paths-'));
  try {
    const store = join(dir, 'store.duckdb');
    await seedStore(store, 2);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const notDir = runCli(['report', '--store', store, '--run', SEED_RUN, '--out', join(file, 'reports')]);
    assert.equal(notDir.status, 2);
    assert.equal(notDir.stderr, `error: environment-error: a part of ${join(file, 'reports')} is a file, not a folder\n`);
    const exists = runCli(['report', '--store', store, '--run', SEED_RUN, '--out', file]);
    assert.equal(exists.status, 2);
    assert.equal(exists.stderr, `error: environment-error: ${file} already exists (and is in the way)\n`);
    const isDir = runCli(['gate', '--store', store, '--run', SEED_RUN, '--approvals', dir]);
    assert.equal(isDir.status, 2);
    assert.equal(isDir.stderr, `error: environment-error: ${dir} is a folder, expected an approvals file (a regular file)\n`);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const args of [['gate', '--store', store, '--run', SEED_RUN, '--approvals', fifo], ['runs', '--store', fifo]]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: environment-error: ${fifo} is a pipe, expected an? (approvals file|store) \\(a regular file\\)\\n$`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no permission on the store’s folder is environment-error naming the store', async (t) => {
  // root may write anywhere: as root, run the CLI as `nobody`; otherwise take the permission away from ourselves
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fd-perm-'));
  try {
    chmodSync(dir, 0o755);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    if (!asRoot) chmodSync(locked, 0o000);
    const log = join(dir, 'q.jsonl');
    writeFileSync(log, JSON.stringify({ sql: 'select 1' }) + '\n');
    const store = join(locked, 'store.duckdb');
    const r = spawnSync(process.execPath, [BIN, 'corpus', 'import', log, '--workload', 'w', '--store', store], {
      cwd: ROOT, encoding: 'utf8', timeout: 120_000, ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } } : {}),
    });
    if (r.error) return t.skip(`cannot run the CLI as another user: ${r.error.message}`);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, `error: environment-error: permission denied on ${store}: check its owner and mode, or choose another place\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
