/**
 * `flightdeck corpus desensitize --workload W --policy P --key-file K`:
 * mask the literals of a stored workload in place with the snapshot's
 * policy and key, so its queries find their rows in the snapshot and the
 * original literals are gone from the store.
 */
import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { desensitizeWorkload, literalMaskingContext, scanWorkloadLeaks, type LiteralMaskingSummary } from '../../flighting/desensitize/mask-workload.ts';
import { EXIT_FAILED, runCommand } from '../run-command.ts';
import { withStore, withStoreOption } from '../store-option.ts';

export function registerCorpusDesensitize(corpus: Command): void {
  withStoreOption(
    corpus
      .command('desensitize')
      .description("mask a stored workload's literals that touch masked columns (rewritten in place; the originals are gone)")
      .requiredOption('--workload <name>', 'workload to rewrite')
      .requiredOption('--policy <file>', 'the masking policy of the snapshot')
      .requiredOption('--key-file <file>', 'the masking key of the snapshot')
      .option('--source <db>', 'source database: column types when the policy does not record them, and a leak scan of the rewritten workload'),
  ).action((opts: { workload: string; policy: string; keyFile: string; source?: string; store?: string }) =>
    runCommand(async () => {
      const cx = await literalMaskingContext({ policyFile: resolve(opts.policy), keyFile: resolve(opts.keyFile), ...(opts.source ? { source: resolve(opts.source) } : {}) });
      return withStore(opts, async (store) => {
        const summary = await desensitizeWorkload(store, opts.workload, cx, `policy ${basename(opts.policy)}`);
        process.stdout.write(`workload ${opts.workload}: ${describeLiteralMasking(summary)}\n`);
        if (!opts.source) return 0;
        const scan = await scanWorkloadLeaks(store, opts.workload, resolve(opts.source), cx.policy);
        process.stdout.write(`leak scan: ${scan.hit ? scan.hit.rows : 0} of ${scan.texts} stored texts hold any of ${scan.secrets} original values of masked columns\n`);
        return scan.hit ? EXIT_FAILED : 0;
      });
    }),
  );
}

export function describeLiteralMasking(s: LiteralMaskingSummary): string {
  return `${s.literals} literals masked in ${s.touched} of ${s.templates} templates (${s.exact} exact: same rows in the snapshot; ${s.approximate} approximate: ranges, LIKE, many-to-one kinds; ${s.kept} kept: date shifts, dropped columns)${s.unparsed ? `; ${s.unparsed} templates our parser cannot read were masked by column name` : ''}`;
}
