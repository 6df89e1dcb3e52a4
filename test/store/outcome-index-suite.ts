/**
 * The store test suite, part 3: a run's outcomes held in memory
 * (store/outcome-index.ts) answer every page and facet exactly as the store's
 * SQL does — the same rows in the same order, the same totals, the same
 * facet values and counts — over a run generated with ties, NULLs, shared
 * and missing tables, rules fired by one build or both, mixed-case text with
 * `%`, `_` and quotes, and outcomes whose template is not in the workload.
 * store.test.ts runs it on each backend.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../store/store.ts';
import type { OutcomeIndex } from '../../store/outcome-index.ts';
import { FACETS, OUTCOME_SORTS, type OutcomeQuery, type OutcomeSort } from '../../store/outcome-query.ts';
import type { OutcomeRecord, StoredTemplate } from '../../store/records.ts';
import type { StoreBackendCase } from './backends.ts';
import { newRun, outcome, template } from './store-suite.ts';

const N = 240;
const VERDICTS = ['regressed', 'improved', 'identical', 'plan-changed', 'crash'] as const;
const TABLES = ['orders', 'customers', 'lineitem', 'Part_s'];
// Greek capital sigma and Turkish dotted I: lower-cased one code point at a time, as the stores do (not as toLowerCase does)
const WORDS = ['SELECT', 'Orders', "o'hara", '100%', 'a_b', 'Ünïcode', 'where', 'JOIN', 'lineitem', 'ΟΔΟΣ', 'İstanbul'];

/** a small deterministic generator (mulberry32), so a failure repeats */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(): { outcomes: OutcomeRecord[]; templates: StoredTemplate[] } {
  const r = random(7);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const some = <T,>(xs: readonly T[]) => xs.filter(() => r() < 0.4);
  const outcomes: OutcomeRecord[] = [];
  const templates: StoredTemplate[] = [];
  for (let i = 0; i < N; i++) {
    const fp = `f${(i * 7919 % N).toString(16).padStart(3, '0')}${i % 3 ? 'a' : 'B'}`;
    const scans = (ts: string[]) => (ts.length ? ts.map((t) => `Scan table=[${t}]`).join('\n  ') : 'Result');
    const nullable = (x: number) => (r() < 0.2 ? null : x);
    outcomes.push({
      ...outcome('run', fp, pick(VERDICTS)),
      // few distinct weights and counts: many ties, broken by the fingerprint
      weight: pick([0.5, 0.25, 0.125, 0.0625]), count: pick([1, 2, 3]), impact: nullable(pick([-0.5, 0, 0.25, 1])), costRatio: nullable(pick([0.5, 1, 2])),
      baseMs: nullable(pick([1, 2])), headMs: nullable(pick([1, 2, 4])), signature: r() < 0.3 ? null : pick(['S1', 'S2', 'Sig 3']),
      reason: `${pick(WORDS)} cost ×${pick(['1.50', '2.00'])}`, baseSimplified: scans(some(TABLES)), headSimplified: scans(some(TABLES)),
      baseRules: some(['r1', 'r2', 'r3']), headRules: some(['r2', 'r4']), basePlanHash: `b${i}`, headPlanHash: `h${i}`,
    });
    // a tenth of the outcomes have no template in the workload (a search finds them by fingerprint or reason only)
    if (i % 10) templates.push({ ...template(fp, 1), sql: `${pick(WORDS)} x FROM ${pick(TABLES)} WHERE y = '${pick(WORDS)}' -- ${i}`, normalized: `select ? from n${i}` });
  }
  return { outcomes, templates };
}

export function outcomeIndexSuite(c: StoreBackendCase): void {
  describe(`a run's outcomes in memory answer as the store does, on ${c.name}`, { skip: c.skip }, () => {
    let s: Store;
    let index: OutcomeIndex;
    before(async () => {
      if (c.skip) return;
      s = await Store.open(await c.fresh());
      const { outcomes, templates } = generate();
      await s.saveWorkload({ name: 'w', sources: [], entries: N, rejected: 0, rejects: [], masking: 'policy p.json' }, templates);
      await s.createRun(newRun('run'));
      await s.createRun(newRun('other'));
      await s.saveOutcomes(outcomes);
      // another run of the same workload: never part of this run's answers
      await s.saveOutcomes([{ ...outcome('other', outcomes[0]!.fingerprint, 'regressed'), reason: 'only in other' }]);
      await s.finishRun('run', 'done');
      index = (await s.loadOutcomeIndex('run'))!;
    });
    after(async () => {
      await s?.close();
    });

    const filters: Omit<OutcomeQuery, 'runId' | 'limit' | 'offset'>[] = [
      {}, { verdicts: ['regressed'] }, { verdicts: ['improved', 'crash'] }, { cluster: 'S1' }, { cluster: 'Sig 3' }, { table: 'orders' }, { table: 'Part_s' },
      { rule: 'r2' }, { rule: 'r4' }, { text: 'orders' }, { text: 'ORDERS' }, { text: '100%' }, { text: '%' }, { text: 'a_b' }, { text: "o'hara" },
      { text: 'ünïcode' }, { text: 'f00' }, { text: '1.50' }, { text: 'only in other' }, { text: 'no such thing' }, { text: '-- 1' }, { text: 'aselect' }, { text: 'borders' }, { text: 'σ' }, { text: 'ΟΣ' }, { text: 'ος' }, { text: 'istanbul' }, { text: 'İSTANBUL' },
      { verdicts: ['regressed', 'plan-changed'], table: 'customers', rule: 'r1' }, { cluster: 'S2', text: 'where' }, { verdicts: ['nope'] },
    ];

    /** a page from the index with its texts read as the dashboard reads them */
    const indexPage = async (q: OutcomeQuery) => {
      const p = index.page(q);
      const texts = await s.shownTexts(index.workload, p.rows.map((r) => r.fingerprint));
      return { total: p.total, rows: p.rows.map((r) => ({ ...r, sql: texts.get(r.fingerprint) ?? '' })) };
    };

    test('every filter × every sort × both orders: the same page (rows, order, total)', async () => {
      let compared = 0;
      for (const f of filters) {
        for (const sort of Object.keys(OUTCOME_SORTS) as OutcomeSort[]) {
          for (const order of ['asc', 'desc'] as const) {
            const q = { runId: 'run', ...f, sort, order, limit: 500, offset: 0 };
            assert.deepEqual(await indexPage(q), await s.queryOutcomes(q), JSON.stringify(q));
            compared++;
          }
        }
      }
      assert.equal(compared, filters.length * 14);
    });

    test('paging: offsets and limits cut the same rows, past the end is empty, the default sort is weight descending', async () => {
      for (const [offset, limit] of [[0, 7], [7, 7], [230, 50], [240, 5], [1000, 5], [3, 0]] as const) {
        const q = { runId: 'run', sort: 'impact' as const, order: 'asc' as const, limit, offset };
        assert.deepEqual(await indexPage(q), await s.queryOutcomes(q), JSON.stringify(q));
      }
      const q = { runId: 'run', limit: 20, offset: 10 };
      assert.deepEqual(await indexPage(q), await s.queryOutcomes(q));
    });

    test('facets under every filter: the same values, counts and weights, in the same order', async () => {
      for (const f of filters) {
        for (const facet of FACETS) {
          const q = { runId: 'run', ...f };
          const mine = index.facet(facet, q);
          const theirs = await s.outcomeFacet(facet, q);
          assert.deepEqual(mine.map((x) => [x.value, x.count]), theirs.map((x) => [x.value, x.count]), `${facet} ${JSON.stringify(f)}`);
          mine.forEach((x, i) => assert.ok(Math.abs(x.weight - theirs[i]!.weight) < 1e-9, `${facet} ${x.value} weight`));
        }
      }
    });

    test('approvals: after setApproved with the store’s approved outcomes, pages show the same flags', async () => {
      const page = await s.queryOutcomes({ runId: 'run', limit: 3, offset: 0 });
      await s.saveApprovals(page.rows.map((r, i) => ({ fingerprint: r.fingerprint, headPlanHash: hashOf(r.fingerprint), template: r.fingerprint, verdict: r.verdict, approvedBy: 'ana', why: `ok ${i}`, approvedAt: '2026-01-01 00:00:00', run: 'run' })));
      const approved = await s.approvedFingerprints('run');
      assert.ok(approved.length > 0, 'the approvals marked outcomes');
      index.setApproved(approved);
      const q = { runId: 'run', limit: 500, offset: 0 };
      const mine = await indexPage(q);
      assert.deepEqual(mine, await s.queryOutcomes(q));
      assert.equal(mine.rows.filter((r) => r.approved).length, approved.length);
    });

    /** the head plan hash the generator gave this fingerprint */
    const hashes = new Map(generate().outcomes.map((o) => [o.fingerprint, o.headPlanHash!]));
    const hashOf = (fp: string) => hashes.get(fp)!;
  });
}
