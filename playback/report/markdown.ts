/**
 * The Markdown report: made for a CI step summary and for reviewers. It
 * opens with the gate decision under the policy that was applied, then the
 * verdicts (each with its meaning and whether this policy fails it),
 * regressions, errors, what was not compared, moved estimates and clusters.
 */
import { fmtRatio, VERDICTS } from '../verdict.ts';
import { VERDICT_TABLE } from '../verdict-table.ts';
import { renderFlightMarkdown } from './flight-section.ts';
import { formatCheckValue } from './gate-text.ts';
import { pct, type ReportData } from './report-data.ts';

const TOP = 15;

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function short(s: string, n = 90): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function renderMarkdown(r: ReportData): string {
  const out: string[] = [];
  const run = r.run;
  const template = (fp: string) => {
    const t = r.templates.get(fp);
    // a statement that failed in production may fail in a build for the same reason
    const failed = t && t.errorCount > 0 ? ` (failed in production ${t.errorCount} of ${t.count} times${t.firstError ? `: ${cell(short(t.firstError, 80))}` : ''})` : '';
    return `\`${fp}\` ${cell(short(t?.normalized ?? ''))}${failed}`;
  };
  const ratio = (x: number | null) => (x === null ? '—' : `×${fmtRatio(x)}`);
  out.push(`# flightdeck ${run.kind} ${run.id}`, '');
  out.push(`- workload **${run.workload}**: ${run.total} templates; catalog \`${run.catalog}\``);
  out.push(`- base \`${run.baseSpec}\`${run.baseDescription ? ` — ${run.baseDescription}` : ''}`);
  out.push(`- head \`${run.headSpec}\`${run.headDescription ? ` — ${run.headDescription}` : ''}`);
  out.push(`- status **${run.status}**, ${run.done}/${run.total} compared, queue ${run.queue}`);
  out.push(`- compiled by both builds: **${(r.gate.compiledShare * 100).toFixed(1)}%** of the workload's weight (${r.counts['both-error']} templates neither build compiles)`);
  out.push(`- workload-weighted cost change: **${pct(r.workloadImpact)}**`);
  if (r.estimateMoved.length) out.push(`- **${r.estimateMoved.length}** identical plans whose estimate moved beyond ×${r.thresholds.improvedAt}–×${r.thresholds.regressedAt}`);
  const recost = recostSummary(r);
  if (recost) out.push(`- cost ratios: ${recost}`);
  out.push('');
  out.push(`## Gate: ${r.gate.passed ? 'PASSED' : 'FAILED'}`, '', '| check | result | actual | limit | approved |', '| --- | :---: | ---: | ---: | ---: |');
  for (const c of r.gate.checks) {
    const limit = `${c.kind === 'coverage' ? '≥ ' : '≤ '}${formatCheckValue(c, c.limit)}`;
    out.push(`| ${cell(c.name)} | ${c.passed ? 'pass' : '**FAIL**'} | ${formatCheckValue(c, c.actual)} | ${limit} | ${c.approvedSkipped || ''} |`);
  }
  out.push('');
  const gated = new Set(Object.keys(r.policy.verdicts));
  out.push('| verdict | templates | approved | fails the gate | meaning |', '| --- | ---: | ---: | :---: | --- |');
  for (const v of VERDICTS) {
    const n = r.counts[v];
    if (!n) continue;
    const approved = r.outcomes.filter((o) => o.verdict === v && o.approved).length;
    out.push(`| ${v} | ${n} | ${approved || ''} | ${gated.has(v) ? 'yes' : ''} | ${cell(VERDICT_TABLE[v].description)} |`);
  }
  out.push('');
  if (r.flight) {
    const verdicts = new Map(r.outcomes.map((o) => [o.fingerprint, o.verdict]));
    out.push(...renderFlightMarkdown(r.flight, (fp) => verdicts.get(fp) ?? '', template, cell));
  }
  if (r.topRegressions.length) {
    out.push(`## Top regressions by weighted impact`, '', '| template | weight | cost | base estimator | head estimator | impact | culprit rules | approved |', '| --- | ---: | ---: | ---: | ---: | ---: | --- | :---: |');
    for (const o of r.topRegressions.slice(0, TOP)) {
      out.push(`| ${template(o.fingerprint)} | ${(o.weight * 100).toFixed(2)}% | ${ratio(o.costRatio)} | ${ratio(o.baseEstimatorRatio)} | ${ratio(o.headEstimatorRatio)} | ${pct(o.impact ?? 0)} | ${cell(o.rulesDiff.join(' ')) || '—'} | ${o.approved ? '✓' : ''} |`);
    }
    if (r.topRegressions.length > TOP) out.push('', `…and ${r.topRegressions.length - TOP} more.`);
    out.push('');
  }
  if (r.slowerCompiles.length) {
    out.push('## Slower compiles', '', '| template | weight | base ms | head ms | detail |', '| --- | ---: | ---: | ---: | --- |');
    for (const o of r.slowerCompiles.slice(0, TOP)) out.push(`| ${template(o.fingerprint)} | ${(o.weight * 100).toFixed(2)}% | ${Math.round(o.baseMs ?? 0)} | ${Math.round(o.headMs ?? 0)} | ${cell(short(o.reason, 140))} |`);
    out.push('');
  }
  if (r.errors.length) {
    out.push('## New errors, crashes and timeouts', '', '| template | verdict | error |', '| --- | --- | --- |');
    for (const o of r.errors.slice(0, TOP)) out.push(`| ${template(o.fingerprint)} | ${o.verdict} | ${cell(short(errorText(o.headError) ?? o.reason, 120))} |`);
    out.push('');
  }
  if (r.bothErrors.length) {
    out.push('## Not compared: neither build compiles', '', '| template | weight | base error | head error |', '| --- | ---: | --- | --- |');
    for (const o of r.bothErrors.slice(0, TOP)) {
      out.push(`| ${template(o.fingerprint)} | ${(o.weight * 100).toFixed(2)}% | ${cell(short(errorText(o.baseError) ?? o.baseStatus, 100))} | ${cell(short(errorText(o.headError) ?? o.headStatus, 100))} |`);
    }
    if (r.bothErrors.length > TOP) out.push('', `…and ${r.bothErrors.length - TOP} more.`);
    out.push('');
  }
  if (r.estimateMoved.length) {
    out.push('## Same plan, moved estimate', '', 'The plan shape is identical, but the head estimates it beyond the cost thresholds: a cost-model change.', '', '| template | weight | base cost | head cost | estimate |', '| --- | ---: | ---: | ---: | ---: |');
    for (const o of r.estimateMoved.slice(0, TOP)) {
      out.push(`| ${template(o.fingerprint)} | ${(o.weight * 100).toFixed(2)}% | ${num(o.baseCost)} | ${num(o.headCost)} | ${ratio(o.costRatio)} |`);
    }
    if (r.estimateMoved.length > TOP) out.push('', `…and ${r.estimateMoved.length - TOP} more.`);
    out.push('');
  }
  if (r.clusters.length) {
    out.push('## Change clusters', '', '| templates | weight | impact | verdicts | change |', '| ---: | ---: | ---: | --- | --- |');
    for (const c of r.clusters.slice(0, TOP)) {
      const verdicts = Object.entries(c.verdicts).sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(', ');
      out.push(`| ${c.templates} | ${(c.weight * 100).toFixed(2)}% | ${pct(c.impact)} | ${verdicts} | ${cell(short(c.description, 140))} |`);
    }
    out.push('');
  }
  return out.join('\n') + '\n';
}

/** How the changed plans were costed: "12 changed plans re-costed by both builds", "3 not: cannot re-cost: …". */
function recostSummary(r: ReportData): string {
  const notes = new Map<string, number>();
  for (const o of r.outcomes) if (o.recost) notes.set(o.recost, (notes.get(o.recost) ?? 0) + 1);
  return [...notes].sort((a, b) => b[1] - a[1]).map(([note, n]) => `${n} changed plan${n === 1 ? '' : 's'} ${cell(note)}`).join('; ');
}

function errorText(e: { code: string; message: string; line?: number; column?: number } | null): string | null {
  if (!e) return null;
  const where = e.line !== undefined ? ` at ${e.line}:${e.column ?? 1}` : '';
  return `${e.code}${where}: ${e.message}`;
}

function num(x: number | null): string {
  return x === null ? '—' : x >= 100 ? String(Math.round(x)) : x.toPrecision(3);
}
