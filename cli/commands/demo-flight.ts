/**
 * The demo's flight of one playback run: its changed templates and a control
 * group of unchanged ones, executed by both builds on the snapshot, results
 * compared and time measured, with reports and the gate over the flight.
 */
import { processFlightJob, type FlightJob, type FlightJobResult } from '../../flighting/flight-job.ts';
import { startFlight } from '../../flighting/run-flight.ts';
import { parseSelection } from '../../flighting/select.ts';
import { resolve } from 'node:path';
import { approvalKeys, DEFAULT_APPROVALS_FILE, loadApprovals } from '../../playback/approvals.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { DEFAULT_POLICY } from '../../playback/policy.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { formatCheckValue } from '../../playback/report/gate-text.ts';
import type { Store } from '../../store/store.ts';
import { createCounter } from '../progress.ts';
import { formatFlightSummary } from './flight.ts';
import { writeRunReports } from './playback.ts';

/** controls flown beside the changed templates */
const DEMO_CONTROL = 3;
/** timing budget per template: the demo shows the verdicts in a minute; a release flight takes its time (default 20 s) */
const DEMO_BUDGET_MS = 4000;

export async function flyRun(store: Store, runId: string, snapshot: string, reportDir: string): Promise<void> {
  // one slot: timings are cleaner with one execution at a time
  const queue = new LocalQueue<FlightJob, FlightJobResult>({ concurrency: 1 }, processFlightJob);
  const counter = createCounter('  flight');
  try {
    const summary = await startFlight(store, queue, {
      runId, snapshotPath: snapshot, selection: parseSelection('changed'), control: DEMO_CONTROL, perf: { budgetMs: DEMO_BUDGET_MS }, onProgress: (d, t) => counter.update(d, t),
    });
    counter.stop();
    process.stdout.write(`${formatFlightSummary(summary)}\n`);
    // the same approvals the reports read (flightdeck.approvals.json when there is one)
    const approvals = approvalKeys(loadApprovals(resolve(DEFAULT_APPROVALS_FILE)));
    const decision = evaluateGate(await store.getOutcomes(summary.flightId), DEFAULT_POLICY, approvals);
    const failed = decision.checks.filter((c) => !c.passed).map((c) => `${c.name} ${formatCheckValue(c, c.actual)}/${formatCheckValue(c, c.limit)}`);
    process.stdout.write(`gate over the flight (default policy): ${decision.passed ? 'PASSED' : `FAILED — ${failed.join(', ')}`}\n`);
    process.stdout.write(`${await writeRunReports(store, summary.flightId, reportDir, undefined)}\n`);
  } finally {
    counter.stop();
    await queue.close();
  }
}
