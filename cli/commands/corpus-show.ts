import type { Command } from 'commander';
import { FlightdeckError } from '../../compiler/errors.ts';
import { runCommand } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';

export function registerCorpusShow(corpus: Command): void {
  withStoreOption(
    corpus
      .command('show')
      .description('show a workload: where it came from, what was rejected, its heaviest templates')
      .argument('[name]', 'workload name (omit to list workloads)')
      .option('--top <n>', 'how many templates to list', '20'),
  ).action((name: string | undefined, opts: { top: string; store?: string }) =>
    runCommand(() =>
      withStore(opts, async (store) => {
        if (!name) {
          const all = await store.listWorkloads();
          if (!all.length) process.stdout.write('no workloads yet; import one with: flightdeck corpus import LOG --workload NAME\n');
          for (const w of all) process.stdout.write(`${w.name.padEnd(20)} ${String(w.templates).padStart(6)} templates  ${String(w.entries).padStart(10)} queries  ${String(w.rejected).padStart(8)} rejected\n`);
          return 0;
        }
        const w = await store.getWorkload(name);
        if (!w) throw new FlightdeckError('not-found', `no workload '${name}' in the store`);
        const templates = await store.getTemplates(name);
        const out: string[] = [`workload ${w.name}: ${templates.length} templates, ${w.entries} queries, ${w.rejected} lines rejected`];
        for (const s of w.sources as readonly { path: string; format: string; logLinePrefix?: string }[]) {
          out.push(`  source ${s.path} [${s.format}${s.logLinePrefix !== undefined ? `, log_line_prefix '${s.logLinePrefix}'` : ''}]`);
        }
        const failed = templates.filter((t) => t.errorCount > 0);
        if (failed.length) {
          const n = failed.reduce((s, t) => s + t.errorCount, 0);
          out.push(`  ${n.toLocaleString('en-US')} of the queries failed in production, in ${failed.length} template${failed.length > 1 ? 's' : ''} (errors column)`);
        }
        for (const r of w.rejects) out.push(`  ${r.kept ? 'kept, flagged' : 'rejected'} ${r.reason}: ${r.count} (first at line ${r.examples[0]?.line ?? '?'})`);
        out.push('', '   count  weight   mean ms  errors  users  template');
        for (const t of templates.slice(0, Number(opts.top) || 20)) {
          const mean = t.meanDurationMs === null ? '-' : t.meanDurationMs.toFixed(1);
          out.push(`${String(t.count).padStart(8)}  ${(t.weight * 100).toFixed(2).padStart(5)}%  ${mean.padStart(8)}  ${String(t.errorCount).padStart(6)}  ${String(t.users.length).padStart(5)}  ${t.fingerprint}  ${t.normalized.slice(0, 100)}`);
          if (t.firstError) out.push(`${' '.repeat(42)}first error: ${t.firstError}`);
        }
        if (templates.length > (Number(opts.top) || 20)) out.push(`... ${templates.length - (Number(opts.top) || 20)} more`);
        process.stdout.write(out.join('\n') + '\n');
        return 0;
      }, { readOnly: true }),
    ),
  );
}
