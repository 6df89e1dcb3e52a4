/**
 * Commands that only read the store (runs, report, gate, corpus show,
 * approve) open it read-only: they work on a read-only disk or file, beside
 * other readers, never create a store at a mistyped path, never write into a
 * DuckDB file that is not a store, and name the process that holds a busy one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { mountTmpfs } from '../helpers/tmpfs.ts';
import { SEED_RUN, seedFingerprint, seedStore } from '../store/seed.ts';

/** every read-only command, against `store`, writing whatever it writes under `out` (where an empty approvals file is put for the gate) */
const readers = (store: string, out: string): string[][] => {
  if (existsSync(out)) writeFileSync(join(out, 'none.json'), JSON.stringify({ version: 1, approvals: [] }));
  return [
  ['runs', '--store', store],
  ['corpus', 'show', '--store', store],
  ['corpus', 'show', 'w', '--store', store],
  ['gate', '--store', store, '--run', SEED_RUN, '--approvals', join(out, 'none.json')],
  ['report', '--store', store, '--run', SEED_RUN, '--out', join(out, 'reports')],
  ['approve', '--store', store, '--run', SEED_RUN, '--template', seedFingerprint(0), '--by', 'ana', '--why', 'ok', '--approvals', join(out, 'approvals.json')],
  ];
};

/** exit codes when the store is fine: the gate fails (1) because every seeded template regressed */
const EXPECTED_STATUS = [0, 0, 0, 1, 0, 0];

test('a mistyped --store is not-found for every reading command, and nothing is created', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-ro-'));
  try {
    const typo = join(dir, 'no-such-folder', 'flightdek.duckdb');
    for (const args of readers(typo, dir)) {
      if (args[0] === 'gate') args.splice(args.indexOf('--approvals'), 2);
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: not-found: no store at ${typo}: check --store or FLIGHTDECK_STORE`), args.join(' '));
    }
    assert.equal(existsSync(join(dir, 'no-such-folder')), false, 'no folder, no store created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reading commands work on a store on a read-only file system', async (t) => {
  const fs = mountTmpfs(8 * 1024 * 1024);
  if (typeof fs === 'string') return t.skip(fs);
  const out = mkdtempSync(join(tmpdir(), 'fd-ro-out-'));
  try {
    const store = join(fs.dir, 'store.duckdb');
    await seedStore(store, 3);
    fs.remount('ro');
    readers(store, out).forEach((args, i) => {
      const r = runCli(args);
      assert.equal(r.status, EXPECTED_STATUS[i], `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    });
    assert.match(readFileSync(join(out, 'reports', 'report.md'), 'utf8'), /regressed/);
    assert.match(readFileSync(join(out, 'approvals.json'), 'utf8'), /"fingerprint": "fp00"/);
    // a writing command says so
    const imp = runCli(['corpus', 'import', 'test/fixtures/logs/native.jsonl', '--workload', 'x', '--store', store]);
    assert.equal(imp.status, 2);
    assert.equal(imp.stderr, `error: environment-error: ${store} is on a read-only file system\n`);
  } finally {
    fs.unmount();
    rmSync(out, { recursive: true, force: true });
  }
});

test('reading commands work on a read-only store file in a read-only folder (chmod 444 / 555)', async (t) => {
  // root ignores file modes: as root, run the CLI as `nobody`
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fd-ro-'));
  const out = mkdtempSync(join(tmpdir(), 'fd-ro-out-'));
  try {
    chmodSync(dir, 0o755);
    chmodSync(out, 0o777);
    const folder = join(dir, 'ro');
    mkdirSync(folder);
    const store = join(folder, 'store.duckdb');
    await seedStore(store, 3);
    chmodSync(store, 0o444);
    chmodSync(folder, 0o555);
    const results = readers(store, out).map((args) =>
      spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } } : {}) }),
    );
    if (results[0]!.error) return t.skip(`cannot run the CLI as another user: ${results[0]!.error.message}`);
    results.forEach((r, i) => assert.equal(r.status, EXPECTED_STATUS[i], `${readers(store, out)[i]!.join(' ')}: ${r.stdout}${r.stderr}`));
    assert.match(results[0]!.stdout, /^r1 +done +3\/3/);
  } finally {
    chmodSync(join(dir, 'ro'), 0o755);
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

/**
 * A process with the store open (read-write or read-only) until its stdin
 * closes; `args` go on its command line. `busy`: it sits inside one hold of
 * the file the whole time (as a long transaction would), so nobody else gets
 * the file; otherwise it is an idle Store, which lets go of the file.
 */
async function holdStore(path: string, readOnly: boolean, args: readonly string[] = [], busy = false): Promise<{ pid: number; release: () => Promise<void> }> {
  const script = join(mkdtempSync(join(tmpdir(), 'fd-holder-')), 'store-holder.mjs');
  writeFileSync(script, busy
    ? `const { openLeasedDatabase } = await import(${JSON.stringify(new URL('../../store/duckdb-lease.ts', import.meta.url).href)});
    const db = await openLeasedDatabase(${JSON.stringify(path)}, { readOnly: ${readOnly} });
    await db.hold(() => new Promise((resolve) => {
      process.stdout.write('holding\\n');
      process.stdin.resume();
      process.stdin.on('end', resolve);
    }));
    db.close();
    process.exit(0);`
    : `const { Store } = await import(${JSON.stringify(new URL('../../store/store.ts', import.meta.url).href)});
    const s = await Store.open(${JSON.stringify(path)}, { readOnly: ${readOnly} });
    process.stdout.write('holding\\n');
    process.stdin.resume();
    process.stdin.on('end', () => { s.close(); process.exit(0); });`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('holding') && resolve());
    child.once('exit', (c) => reject(new Error(`holder exited ${c}`)));
  });
  return {
    pid: child.pid!,
    release: () => new Promise((resolve) => {
      child.once('exit', () => {
        rmSync(join(script, '..'), { recursive: true, force: true });
        resolve();
      });
      child.stdin!.end();
    }),
  };
}

test('beside a reader and beside an idle writer, reading commands work; beside a writer that keeps the file, they wait their bound and name the store and the process holding it (no password printed)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-ro-'));
  try {
    const store = join(dir, 'store.duckdb');
    await seedStore(store, 2);
    const reader = await holdStore(store, true);
    try {
      const r = runCli(['runs', '--store', store]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^r1 +done/);
    } finally {
      await reader.release();
    }
    // a writer between statements lets go of the file: the dashboard and `runs` work beside a playback
    const idle = await holdStore(store, false);
    try {
      const r = runCli(['runs', '--store', store]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^r1 +done/);
    } finally {
      await idle.release();
    }
    // the holder's command line carries a password in a URL, as `playback --queue redis://:pw@host` would
    const writer = await holdStore(store, false, ['--queue', 'redis://:hunter2@127.0.0.1:6379'], true);
    try {
      const r = runCli(['runs', '--store', store], { env: { FLIGHTDECK_STORE_WAIT: '1' } });
      assert.equal(r.status, 2);
      // the time it says it waited is the time it did wait: at least FLIGHTDECK_STORE_WAIT, more on a loaded machine
      const busy = r.stderr.match(new RegExp(`^error: environment-error: the store ${store} is busy: another process \\(PID ${writer.pid}: \\S*node --import tsx \\S*store-holder\\.mjs --queue redis://:\\*\\*\\*@127\\.0\\.0\\.1:6379\\) has it open for writing and did not let go of it within (\\d+\\.\\d) s; .* set FLIGHTDECK_STORE_WAIT \\(seconds\\) to wait longer, or use another store with --store\\n$`));
      assert.ok(busy, r.stderr);
      assert.ok(Number(busy[1]) >= 1, `waited ${busy[1]} s, at least the 1 s asked`);
      assert.doesNotMatch(r.stderr, /hunter2/);
    } finally {
      await writer.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a DuckDB file that is not a store (a catalog passed by mistake) is refused and left untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-ro-'));
  try {
    const catalog = join(dir, 'catalog.duckdb');
    const db = await openDatabase(catalog);
    await db.run('CREATE TABLE orders (id INTEGER)');
    db.close();
    const copy = join(dir, 'copy.duckdb');
    copyFileSync(catalog, copy);
    const r = runCli(['runs', '--store', catalog]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `error: environment-error: ${catalog} is a DuckDB database but not a flightdeck store (no schema_migrations table): check --store\n`);
    assert.deepEqual(readFileSync(catalog), readFileSync(copy), 'not one byte written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
