import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fromSystemError, refuseNonFile } from '../../compiler/system-errors.ts';
import { FlightdeckError } from '../../compiler/errors.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

test('Node system errors from real calls are named with their path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-syserr-'));
  try {
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    const cases: [unknown, string, RegExp][] = [
      [thrown(() => writeFileSync(dir, 'x')), 'environment-error', new RegExp(`^${dir} is a folder, expected a file$`)],
      [thrown(() => mkdirSync(join(file, 'sub'), { recursive: true })), 'environment-error', new RegExp(`^a part of ${file}/sub is a file, not a folder$`)],
      [thrown(() => mkdirSync(file)), 'environment-error', new RegExp(`^${file} already exists`)],
      [thrown(() => readFileSync(join(dir, 'nope'))), 'not-found', new RegExp(`^no such file or folder: ${dir}/nope$`)],
    ];
    for (const [err, code, message] of cases) {
      const named = fromSystemError(err);
      assert.ok(named instanceof FlightdeckError, String(err));
      assert.equal(named.code, code);
      assert.match(named.message, message);
      assert.equal(named.cause, err);
    }
    // read(2) on an open folder carries no path: the caller's path names it
    assert.match(fromSystemError(thrown(() => readFileSync(dir)), 'the approvals file')!.message, /^the approvals file is a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DuckDB’s messages are recognised: a full disk is "no space left on <path>", not the failed ROLLBACK', () => {
  const full = new Error('TransactionContext Error: Failed to commit: Could not write file "/mnt/x/store.duckdb.wal": No space left on device');
  assert.deepEqual(
    [fromSystemError(full, '/mnt/x/store.duckdb')!.code, fromSystemError(full, '/mnt/x/store.duckdb')!.message],
    ['environment-error', 'no space left on /mnt/x/store.duckdb: free space on that disk or choose another place'],
  );
  assert.match(fromSystemError(full)!.message, /^no space left on \/mnt\/x\/store\.duckdb\.wal/);
  assert.equal(fromSystemError(new Error('IO Error: Cannot open file "/r/s.duckdb": Permission denied'))!.message, 'permission denied on /r/s.duckdb: check its owner and mode, or choose another place');
  assert.equal(fromSystemError(new Error('IO Error: Cannot open file "/r/s.duckdb": Read-only file system'), '/r/s.duckdb')!.message, '/r/s.duckdb is on a read-only file system');
  assert.equal(fromSystemError(Object.assign(new Error('ESPIPE: invalid seek, read'), { code: 'ESPIPE' }), '/dev/stdin')!.message, '/dev/stdin is a pipe or a terminal, not a regular file');
  // a write(2) to an open file carries no path: say what is known
  assert.equal(fromSystemError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }))!.message, 'no space left on the device: free space on that disk or choose another place');
  // not a system error: left to the caller
  assert.equal(fromSystemError(new Error('Binder Error: column x not found')), undefined);
  assert.equal(fromSystemError('cannot rollback - no transaction is active'), undefined);
});

test('a folder, pipe or device where a data file belongs is refused at once, never opened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-syserr-'));
  try {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => refuseNonFile(fifo, 'a store'), new RegExp(`^FlightdeckError: ${fifo} is a pipe, expected a store \\(a regular file\\)$`));
    assert.throws(() => refuseNonFile(dir, 'an approvals file'), /is a folder, expected an approvals file/);
    assert.throws(() => refuseNonFile('/dev/null', 'a store'), /\/dev\/null is a device/);
    refuseNonFile(join(dir, 'missing'), 'a store'); // missing is the caller's business
    writeFileSync(join(dir, 'f'), '');
    refuseNonFile(join(dir, 'f'), 'a store');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
