import { redactRedisUrl } from '../../playback/queue/redis-url.ts';
import type { Command } from 'commander';
import { runCommand } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';
import { writeRunReports } from './playback.ts';

export function registerRuns(program: Command): void {
  withStoreOption(program.command('runs').description('list playback runs and flights in the store')).action((opts: { store?: string }) =>
    runCommand(() =>
      withStore(opts, async (store) => {
        const runs = await store.listRuns();
        if (!runs.length) process.stdout.write('no runs yet; start one with: flightdeck playback ...\n');
        for (const r of runs) process.stdout.write(`${r.id}  ${r.status.padEnd(7)} ${String(r.done).padStart(6)}/${String(r.total).padEnd(6)} ${r.workload}  ${r.baseSpec} → ${r.headSpec}  (${redactRedisUrl(r.queue)})\n`);
        return 0;
      }, { readOnly: true }),
    ),
  );
  withStoreOption(
    program
      .command('report')
      .description('write a run’s reports: report.md (CI summary), junit.xml, report.json')
      .requiredOption('--run <id>', 'run')
      .requiredOption('--out <dir>', 'folder to write into')
      .option('--approvals <file>', 'approved plan changes')
      .option('--policy <file>', 'the policy the reports show the gate under (default: the default policy)'),
  ).action((opts: { run: string; out: string; approvals?: string; policy?: string; store?: string }) =>
    runCommand(() =>
      withStore(opts, async (store) => {
        process.stdout.write((await writeRunReports(store, opts.run, opts.out, opts.approvals, opts.policy)) + '\n');
        return 0;
      }, { readOnly: true }),
    ),
  );
}
