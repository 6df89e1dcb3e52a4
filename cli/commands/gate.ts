import type { Command } from 'commander';
import { resolve } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { approvalKeys, DEFAULT_APPROVALS_FILE, loadApprovals } from '../../playback/approvals.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { DEFAULT_POLICY, loadPolicy } from '../../playback/policy.ts';
import { runThresholds } from '../../playback/report/report-data.ts';
import { renderGateText } from '../../playback/report/gate-text.ts';
import { EXIT_FAILED, runCommand } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';

export function registerGate(program: Command): void {
  withStoreOption(
    program
      .command('gate')
      .description('apply a policy to a run: exit 0 pass, 1 fail, 2 usage or infrastructure error')
      .requiredOption('--run <id>', 'run to judge')
      .option('--policy <file>', 'policy JSON (default: zero new errors, crashes, timeouts, slower compiles and regressions ≥ 10%; both builds compile ≥ 80% of the weight)')
      .option('--approvals <file>', `approved plan changes (default ${DEFAULT_APPROVALS_FILE} if present)`),
  ).action((opts: { run: string; policy?: string; approvals?: string; store?: string }) =>
    runCommand(() =>
      withStore(opts, async (store) => {
        const policy = opts.policy ? loadPolicy(resolve(opts.policy)) : DEFAULT_POLICY;
        const approvals = loadApprovals(resolve(opts.approvals ?? DEFAULT_APPROVALS_FILE), opts.approvals !== undefined);
        const run = await store.getRun(opts.run);
        if (!run) throw new FlightdeckError('not-found', `no run '${opts.run}' in the store`);
        if (run.status !== 'done') throw new FlightdeckError('environment-error', `run ${opts.run} is ${run.status} (${run.done}/${run.total} compared); finish it with: flightdeck playback --resume ${opts.run}`);
        const decision = evaluateGate(await store.getOutcomes(opts.run), policy, approvalKeys(approvals), runThresholds(run));
        process.stdout.write(renderGateText(decision, run));
        return decision.passed ? 0 : EXIT_FAILED;
      }, { readOnly: true }),
    ),
  );
}
