/**
 * Bad input gets a clear, located error: keys of the wrong size or mode,
 * policies that are not JSON, do not fit the schema or do not cover the
 * source (a new column is never copied unmasked by omission).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { loadKey, writeNewKey } from '../../flighting/desensitize/key.ts';
import { checkPolicyCovers, loadPolicy, parsePolicy } from '../../flighting/desensitize/policy.ts';
import { spacedPins } from '../../flighting/desensitize/suggest.ts';

const coded = (code: string, re: RegExp) => (err: unknown) => err instanceof FlightdeckError && err.code === code && re.test(err.message);

test('keys: written 0600 and never overwritten; wrong size or a readable file refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-key-'));
  try {
    const k = join(dir, 'k');
    writeNewKey(k);
    assert.doesNotThrow(() => loadKey(k));
    assert.throws(() => writeNewKey(k), coded('usage-error', /never overwritten/));
    chmodSync(k, 0o644);
    assert.throws(() => loadKey(k), coded('usage-error', /readable by others.*chmod 600/));
    const short = join(dir, 'short');
    writeFileSync(short, 'abc', { mode: 0o600 });
    assert.throws(() => loadKey(short), coded('usage-error', /3 bytes, a masking key is 32/));
    assert.throws(() => loadKey(join(dir, 'missing')), coded('not-found', /cannot read key file/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('policies: not JSON, wrong shape, options that do not fit, columns not covered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-policy-'));
  try {
    const p = join(dir, 'p.json');
    writeFileSync(p, '{ nope');
    assert.throws(() => loadPolicy(p), (e: unknown) => coded('usage-error', /not JSON/)(e) && (e as FlightdeckError).location?.file === p);
    assert.throws(() => parsePolicy({ version: 1, tables: { t: { columns: { c: { kind: 'sparkle' } } } } }), coded('usage-error', /tables\.t\.columns\.c/));
    assert.throws(() => parsePolicy({ version: 1, tables: { t: { columns: { c: { kind: 'generalise', to: 'month', prefix: 2 } } } } }), coded('usage-error', /exactly one of to, prefix, map/));
    const policy = parsePolicy({ version: 1, tables: { t: { columns: { a: { kind: 'email' }, b: { kind: 'keep' }, d: { kind: 'dateShift', entity: 'zz' } } } } });
    const cols = [{ table: 't', column: 'a', type: 'INTEGER' }, { table: 't', column: 'b', type: 'VARCHAR' }, { table: 't', column: 'd', type: 'DATE' }, { table: 't', column: 'new_col', type: 'VARCHAR' }, { table: 'u', column: 'x', type: 'VARCHAR' }];
    assert.throws(() => checkPolicyCovers(policy, cols, p), (e: unknown) => {
      const m = (e as FlightdeckError).message;
      return /t\.a is INTEGER: kind "email" needs string/.test(m) && /t\.new_col is not in the policy/.test(m) && /table u is not in the policy/.test(m) && /entity zz is not a column/.test(m);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('policies: columns sharing an integer key’s pseudonym domain must share its range and pins, else a foreign key would point at other rows', () => {
  const cols = [{ table: 'people', column: 'id', type: 'INTEGER' }, { table: 'orders', column: 'person_id', type: 'INTEGER' }];
  const policy = (orders: Record<string, unknown>) =>
    parsePolicy({ version: 1, tables: { people: { columns: { id: { kind: 'pseudonym', domain: 'person', range: [1, 1000], pins: [1, 1000] } } }, orders: { columns: { person_id: { kind: 'pseudonym', domain: 'person', ...orders } } } } });
  // pins in another order or repeated are the same pins
  checkPolicyCovers(policy({ range: [1, 1000], pins: [1000, 1, 1] }), cols);
  assert.throws(() => checkPolicyCovers(policy({ range: [1, 1000] }), cols), coded('usage-error', /orders\.person_id and people\.id share the pseudonym domain 'person' but not its range and pins/));
  assert.throws(() => checkPolicyCovers(policy({ range: [1, 1000], pins: [1, 997, 1000] }), cols), coded('usage-error', /share the pseudonym domain 'person'/));
  assert.throws(() => checkPolicyCovers(policy({}), cols), coded('usage-error', /share the pseudonym domain 'person'/));
});

test('suggested pins leave no short stretch: a bound near another pin is not pinned (its ids would keep themselves)', () => {
  assert.deepEqual(spacedPins([1, 1000, 997, 1], 1, 1000), [1, 1000]);
  assert.deepEqual(spacedPins([1, 500, 1000], 1, 1000), [1, 500, 1000]);
  assert.deepEqual(spacedPins([1, 50, 560, 600, 1000], 1, 1000), [1, 560, 1000]);
  assert.deepEqual(spacedPins([7, 7], 7, 7), [7]);
});
