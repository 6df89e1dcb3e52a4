/**
 * The flight part of a run report (runs of kind `flight`): what was flown
 * and why, result mismatches with their differing columns and sample rows
 * (snapshot values only: masked by construction), measured slowdowns with
 * their confidence interval, noise band and the operator that changed most,
 * the templates that returned no rows on both sides (a weakness of the
 * data, not a pass), and where the flight's time went.
 */
import type { FlightResultRecord, RunRecord } from '../../store/records.ts';

export interface FlightReport {
  readonly results: ReadonlyMap<string, FlightResultRecord>;
  readonly selection: string;
  readonly playbackRun: string;
  readonly weightShare: number;
  readonly snapshotSha256: string;
  /** the confidence of each template's interval */
  readonly confidence: number;
  readonly emptyBoth: number;
  readonly timings: FlightResultRecord['timings'];
}

export function flightReportOf(run: RunRecord, results: readonly FlightResultRecord[]): FlightReport {
  const o = run.options as { selection?: string; playbackRun?: string; weightShare?: number; snapshotSha256?: string; perf?: { confidence?: number } };
  const sum = (k: keyof FlightResultRecord['timings']) => results.reduce((a, r) => a + r.timings[k], 0);
  return {
    results: new Map(results.map((r) => [r.fingerprint, r])),
    selection: o.selection ?? '?',
    playbackRun: o.playbackRun ?? '?',
    weightShare: o.weightShare ?? 0,
    snapshotSha256: o.snapshotSha256 ?? '',
    confidence: o.perf?.confidence ?? 0.95,
    emptyBoth: results.filter((r) => r.emptyBoth).length,
    timings: { executeMs: sum('executeMs'), compareMs: sum('compareMs'), statisticsMs: sum('statisticsMs') },
  };
}

interface Mismatch {
  /** what the head was compared with: the base, or the original SQL's result */
  readonly against?: string;
  readonly columns?: readonly string[];
  readonly rowCountDelta?: number;
  readonly sampleRows?: readonly { readonly side: string; readonly row: readonly unknown[] }[];
  readonly orderOnly?: boolean;
}

interface OperatorChange {
  readonly name?: string;
  readonly description?: string;
}

/** Markdown lines of the flight section; `template` renders a fingerprint with its normalized SQL. */
export function renderFlightMarkdown(f: FlightReport, verdictOf: (fp: string) => string, template: (fp: string) => string, cell: (s: string) => string): string[] {
  const out: string[] = [];
  const results = [...f.results.values()];
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  out.push('## Flight', '');
  out.push(`- flew **${results.length}** templates of playback run \`${f.playbackRun}\` (${f.selection}), ${(f.weightShare * 100).toFixed(1)}% of the workload's weight, on the snapshot (sha256 \`${f.snapshotSha256.slice(0, 16)}…\`, unchanged)`);
  out.push(`- **${f.emptyBoth}** flown templates returned no rows on both sides: compared, but the data cannot show a difference there`);
  out.push(`- time: execute ${sec(f.timings.executeMs)}, compare ${sec(f.timings.compareMs)}, statistics ${sec(f.timings.statisticsMs)}`, '');
  const mismatches = results.filter((r) => verdictOf(r.fingerprint) === 'result-mismatch');
  if (mismatches.length) {
    out.push('### Result mismatches', '', '| template | differing columns | rows (base → head) | detail |', '| --- | --- | ---: | --- |');
    for (const r of mismatches) {
      const m = (r.mismatch ?? {}) as Mismatch;
      const cols = m.columns?.length ? m.columns.join(', ') : m.orderOnly ? '(order only)' : '—';
      out.push(`| ${template(r.fingerprint)} | ${cell(cols)} | ${r.baseRows ?? '?'} → ${r.headRows ?? '?'} | ${cell(short(r.detail, 160))} |`);
    }
    out.push('');
    for (const r of mismatches.slice(0, 5)) {
      const m = (r.mismatch ?? {}) as Mismatch;
      if (!m.sampleRows?.length) continue;
      out.push(`Sample of differing rows of \`${r.fingerprint}\` (snapshot values):`, '', '```');
      const other = m.against === 'original' ? 'original' : 'base';
      for (const s of m.sampleRows.slice(0, 10)) out.push(`${s.side === 'base' ? `- ${other}` : '+ head'}  ${JSON.stringify(s.row)}`);
      out.push('```', '');
    }
  }
  const timed = results.filter((r) => ['slower', 'faster', 'inconclusive'].includes(verdictOf(r.fingerprint))).sort((a, b) => (b.ratio ?? 1) - (a.ratio ?? 1));
  if (timed.length) {
    const header = `| template | verdict | head/base | ${Math.round(f.confidence * 100)}% interval | A/A noise | pairs | base ms | head ms | operator that changed most |`;
    out.push('### Measured performance changes', '', header, '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of timed.slice(0, 20)) {
      const op = (r.operatorChange ?? null) as OperatorChange | null;
      out.push(
        `| ${template(r.fingerprint)} | ${verdictOf(r.fingerprint)} | ${fmt(r.ratio)} | ${fmt(r.ratioLow)}–${fmt(r.ratioHigh)} | ${r.noise === null ? '—' : `±${(r.noise * 100).toFixed(1)}%`} | ${r.pairs} | ${ms(r.baseMs)} | ${ms(r.headMs)} | ${cell(op?.description ?? op?.name ?? '—')} |`,
      );
    }
    if (timed.length > 20) out.push('', `…and ${timed.length - 20} more.`);
    out.push('');
  }
  return out;
}

function fmt(x: number | null): string {
  return x === null ? '—' : `×${x.toFixed(3)}`;
}

function ms(x: number | null): string {
  return x === null ? '—' : x >= 100 ? String(Math.round(x)) : x.toPrecision(3);
}

function short(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
