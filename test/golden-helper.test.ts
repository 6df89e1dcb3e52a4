/** The golden-file helper must be able to fail: a missing or different file is an error unless UPDATE_GOLDEN=1. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertGolden, GOLDEN_ROOT } from './helpers/golden.ts';

const NAME = `__golden-helper-selftest-${process.pid}.plan`;
const PATH = join(GOLDEN_ROOT, NAME);

function withUpdate<T>(value: string | undefined, fn: () => T): T {
  const before = process.env.UPDATE_GOLDEN;
  if (value === undefined) delete process.env.UPDATE_GOLDEN;
  else process.env.UPDATE_GOLDEN = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.UPDATE_GOLDEN;
    else process.env.UPDATE_GOLDEN = before;
  }
}

test('a missing golden file fails (and is not written) unless UPDATE_GOLDEN=1', () => {
  try {
    assert.throws(() => withUpdate(undefined, () => assertGolden(NAME, 'Scan(table=[a])\n')), /golden file missing/);
    assert.equal(existsSync(PATH), false, 'the failing check must not create the file');
    withUpdate('1', () => assertGolden(NAME, 'Scan(table=[a])\n'));
    assert.equal(readFileSync(PATH, 'utf8'), 'Scan(table=[a])\n');
    withUpdate(undefined, () => assertGolden(NAME, 'Scan(table=[a])\n'));
    assert.throws(() => withUpdate(undefined, () => assertGolden(NAME, 'Scan(table=[b])\n')), /golden mismatch[\s\S]*\.actual/);
  } finally {
    rmSync(PATH, { force: true });
    rmSync(`${PATH}.actual`, { force: true });
  }
});
