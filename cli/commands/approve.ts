import type { Command } from 'commander';
import { resolve } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { DEFAULT_APPROVALS_FILE, recordApprovals, type Approval } from '../../playback/approvals.ts';
import { runCommand, usageError } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';

export function registerApprove(program: Command): void {
  withStoreOption(
    program
      .command('approve')
      .description('accept reviewed plan changes on purpose, so later runs do not flag them again')
      .requiredOption('--run <id>', 'run the changes were reviewed in')
      .option('--template <fingerprint...>', 'template fingerprints to approve')
      .option('--cluster <signature>', 'approve every changed template of this change cluster')
      .option('--all-regressions', 'approve every regressed template of the run')
      .requiredOption('--by <name>', 'who approves')
      .requiredOption('--why <text>', 'why the change is intended')
      .option('--approvals <file>', 'approvals file to update (commit it)', DEFAULT_APPROVALS_FILE),
  ).action((opts: { run: string; template?: string[]; cluster?: string; allRegressions?: boolean; by: string; why: string; approvals: string; store?: string }) =>
    runCommand(() =>
      withStore(opts, async (store) => {
        if (!opts.template && !opts.cluster && !opts.allRegressions) throw usageError('say what to approve: --template FP..., --cluster SIGNATURE or --all-regressions');
        const run = await store.getRun(opts.run);
        if (!run) throw new FlightdeckError('not-found', `no run '${opts.run}' in the store`);
        const outcomes = await store.getOutcomes(opts.run);
        const templates = new Map((await store.getTemplates(run.workload)).map((t) => [t.fingerprint, t]));
        const chosen = outcomes.filter(
          (o) => (opts.template?.includes(o.fingerprint) ?? false) || (opts.cluster !== undefined && o.signature === opts.cluster) || (opts.allRegressions === true && o.verdict === 'regressed'),
        );
        for (const fp of opts.template ?? []) {
          if (!outcomes.some((o) => o.fingerprint === fp)) throw usageError(`template ${fp} is not in run ${opts.run}`);
        }
        const approvable = chosen.filter((o) => o.headPlanHash !== null);
        if (!approvable.length) throw usageError('nothing to approve: no matching template has a head plan');
        const at = new Date().toISOString();
        const added: Approval[] = approvable.map((o) => ({
          fingerprint: o.fingerprint, headPlanHash: o.headPlanHash!, template: templates.get(o.fingerprint)?.normalized ?? '', verdict: o.verdict, by: opts.by, why: opts.why, at, run: opts.run,
        }));
        const path = resolve(opts.approvals);
        // other approves may write the same file at this moment: lock, re-read, merge, replace atomically
        await recordApprovals(path, added);
        process.stdout.write(`approved ${added.length} plan change(s) in ${path}:\n${added.map((a) => `  ${a.fingerprint} ${a.verdict} → plan ${a.headPlanHash}`).join('\n')}\ncommit ${opts.approvals} so CI sees it\n`);
        return 0;
      }, { readOnly: true }),
    ),
  );
}
