/**
 * Golden files (Spark approved plans, Calcite DiffRepository): one file per
 * case under test/golden/. `UPDATE_GOLDEN=1 npm test` rewrites them; a
 * mismatch fails with both paths and a unified diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';

export const GOLDEN_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/** Compare `actual` with test/golden/<name>; rewrite it when UPDATE_GOLDEN=1. */
export function assertGolden(name: string, actual: string): void {
  const path = join(GOLDEN_ROOT, name);
  const update = process.env.UPDATE_GOLDEN === '1';
  if (!update && !existsSync(path)) {
    // a missing golden file fails: writing it silently would make the test pass whatever it printed
    throw new Error(`golden file missing: ${relative(process.cwd(), path)} (UPDATE_GOLDEN=1 npm test writes it; review and commit it)`);
  }
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  const expected = readFileSync(path, 'utf8');
  if (expected === actual) return;
  const actualPath = path + '.actual';
  writeFileSync(actualPath, actual);
  const patch = createTwoFilesPatch(relative(process.cwd(), path), relative(process.cwd(), actualPath), expected, actual);
  throw new Error(
    `golden mismatch:\n  expected: ${relative(process.cwd(), path)}\n  actual:   ${relative(process.cwd(), actualPath)}\n` +
      `(UPDATE_GOLDEN=1 npm test rewrites it if the change is intended)\n${patch}`,
  );
}
