/**
 * `--suggest` finds every sensitive column of the shop schema and of the
 * planted set (free text, JSON strings, unhelpful column names) and flags
 * no non-sensitive numeric or date column. Precision and recall are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { suggestPolicy } from '../../flighting/desensitize/suggest.ts';
import { parsePolicy } from '../../flighting/desensitize/policy.ts';
import { plantedShop, PLANTED_SENSITIVE, SHOP_SENSITIVE } from './shop-fixture.ts';

test('suggest: every sensitive column found, no non-sensitive numeric/date column flagged', async () => {
  const { dir, db } = await plantedShop();
  try {
    const { policy, suggestions } = await suggestPolicy({ source: db, sample: 500 });
    parsePolicy(JSON.parse(JSON.stringify(policy))); // what it writes is a valid policy
    const expected = new Set([...SHOP_SENSITIVE, ...PLANTED_SENSITIVE]);
    const flagged = new Set(suggestions.filter((s) => s.policy.kind !== 'keep').map((s) => `${s.table}.${s.column}`));
    const tp = [...flagged].filter((c) => expected.has(c)).length;
    const missed = [...expected].filter((c) => !flagged.has(c));
    const falsePositives = [...flagged].filter((c) => !expected.has(c));
    const precision = tp / flagged.size;
    const recall = tp / expected.size;
    process.stdout.write(`# suggest on shop + planted set: ${suggestions.length} columns, ${expected.size} sensitive; precision ${precision.toFixed(3)} (${tp}/${flagged.size}), recall ${recall.toFixed(3)} (${tp}/${expected.size})${falsePositives.length ? `; false positives: ${falsePositives.join(', ')}` : ''}\n`);
    assert.deepEqual(missed, [], 'every sensitive column is found');
    const numericOrDate = suggestions.filter((s) => /INT|DECIMAL|DOUBLE|DATE|TIMESTAMP/.test(s.type) && !expected.has(`${s.table}.${s.column}`) && s.policy.kind !== 'keep');
    assert.deepEqual(numericOrDate.map((s) => `${s.table}.${s.column}`), [], 'no non-sensitive numeric/date column flagged');
    // the proposals fit the data
    const kind = (c: string) => suggestions.find((s) => `${s.table}.${s.column}` === c)!.policy.kind;
    assert.equal(kind('support_tickets.notes'), 'null');
    assert.equal(kind('support_tickets.payload'), 'null');
    assert.equal(kind('support_tickets.contact'), 'email');
    assert.equal(kind('support_tickets.bank'), 'iban');
    assert.equal(kind('customers.email'), 'email');
    const domains = ['customers', 'orders', 'events', 'support_tickets'].map((t) => (policy.tables[t]!.columns.customer_id as { domain?: string }).domain);
    assert.deepEqual(domains, ['customer_id', 'customer_id', 'customer_id', 'customer_id'], 'a key and the columns carrying it share one pseudonym domain');
    assert.equal((policy.tables.refunds!.columns.buyer as { domain?: string }).domain, 'customer_id', 'a declared foreign key shares it too, whatever its name');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
