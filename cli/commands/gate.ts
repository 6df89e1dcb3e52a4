import type { Command } from 'commander';
import { resolve } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { approvalKeys, DEFAULT_APPROVALS_FILE, loadApprovals } from '../../playback/approvals.ts';
import { evaluateGate } from '../../playback/gate.ts';
import { DEFAULT_POLICY, loadPolicy } from '../../playback/policy.ts';
import { fmtRatio } from '../../playback/verdict.ts';
import { pct } from '../../playback/report/report-data.ts';
import { EXIT_FAILED, runCommand } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';

export function registerGate(program: Command): void {
  withStoreOption(
    program
      .command('gate')
      .description('apply a policy to a run: exit 0 pass, 1 fail, 2 usage or infrastructure error')
      .requiredOption('--run <id>', 'run to judge')
      .option('--policy <file>', 'policy JSON (default: zero new errors, crashes, timeouts and regressions ≥ 10%)')
      .option('--approvals <file>', `approved plan changes (default ${DEFAULT_APPROVALS_FILE} if present)`),
  ).action((opts: { run: string; policy?: string; approvals?: string; store?: string }) =>
    runCommand(() =>
      withStore(opts, async (store) => {
        const policy = opts.policy ? loadPolicy(resolve(opts.policy)) : DEFAULT_POLICY;
        const approvals = loadApprovals(resolve(opts.approvals ?? DEFAULT_APPROVALS_FILE), opts.approvals !== undefined);
        const run = await store.getRun(opts.run);
        if (!run) throw new FlightdeckError('not-found', `no run '${opts.run}' in the store`);
        if (run.status !== 'done') throw new FlightdeckError('environment-error', `run ${opts.run} is ${run.status} (${run.done}/${run.total} compared); finish it with: flightdeck playback --resume ${opts.run}`);
        const decision = evaluateGate(await store.getOutcomes(opts.run), policy, approvalKeys(approvals));
        const out: string[] = [`gate ${decision.passed ? 'PASSED' : 'FAILED'} for run ${opts.run} (${run.baseSpec} → ${run.headSpec}, ${run.total} templates)`];
        for (const c of decision.checks) {
          const isImpact = c.name === 'workload impact';
          const actual = isImpact ? pct(c.actual) : String(c.actual);
          const limit = isImpact ? pct(c.limit) : String(c.limit);
          const approved = c.approvedSkipped ? `, ${c.approvedSkipped} approved` : '';
          out.push(`  ${c.passed ? 'pass' : 'FAIL'}  ${c.name}: ${actual} (limit ${limit}${approved})`);
          if (!c.passed) {
            for (const o of c.offenders.slice(0, 10)) {
              const detail = o.costRatio !== null && o.verdict !== 'identical' ? `cost ×${fmtRatio(o.costRatio)}` : o.reason;
              out.push(`          ${o.fingerprint}  ${o.verdict}  ${detail}  weight ${(o.weight * 100).toFixed(2)}%${o.rulesDiff.length ? `  rules ${o.rulesDiff.join(' ')}` : ''}`);
            }
            if (c.offenders.length > 10) out.push(`          … ${c.offenders.length - 10} more`);
          }
        }
        if (!decision.passed) out.push(`approve intended changes with: flightdeck approve --run ${opts.run} --template FINGERPRINT --by NAME --why "..."`);
        process.stdout.write(out.join('\n') + '\n');
        return decision.passed ? 0 : EXIT_FAILED;
      }, { readOnly: true }),
    ),
  );
}
