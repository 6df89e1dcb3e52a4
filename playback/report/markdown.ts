/**
 * The Markdown report: made for a CI step summary and for reviewers.
 */
import { fmtRatio, VERDICTS } from '../verdict.ts';
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
  out.push(`# flightdeck playback ${run.id}`, '');
  out.push(`- workload **${run.workload}**: ${run.total} templates; catalog \`${run.catalog}\``);
  out.push(`- base \`${run.baseSpec}\`${run.baseDescription ? ` — ${run.baseDescription}` : ''}`);
  out.push(`- head \`${run.headSpec}\`${run.headDescription ? ` — ${run.headDescription}` : ''}`);
  out.push(`- status **${run.status}**, ${run.done}/${run.total} compared, queue ${run.queue}`);
  out.push(`- workload-weighted cost change: **${pct(r.workloadImpact)}**`, '');
  out.push('| verdict | templates | approved |', '| --- | ---: | ---: |');
  for (const v of VERDICTS) {
    const n = r.counts[v];
    if (!n) continue;
    const approved = r.outcomes.filter((o) => o.verdict === v && o.approved).length;
    out.push(`| ${v} | ${n} | ${approved || ''} |`);
  }
  out.push('');
  if (r.topRegressions.length) {
    out.push(`## Top regressions by weighted impact`, '', '| template | weight | cost | impact | culprit rules | approved |', '| --- | ---: | ---: | ---: | --- | :---: |');
    for (const o of r.topRegressions.slice(0, TOP)) {
      const t = r.templates.get(o.fingerprint);
      out.push(`| \`${o.fingerprint}\` ${cell(short(t?.normalized ?? ''))} | ${(o.weight * 100).toFixed(2)}% | ×${fmtRatio(o.costRatio ?? NaN)} | ${pct(o.impact ?? 0)} | ${cell(o.rulesDiff.join(' ')) || '—'} | ${o.approved ? '✓' : ''} |`);
    }
    if (r.topRegressions.length > TOP) out.push('', `…and ${r.topRegressions.length - TOP} more.`);
    out.push('');
  }
  if (r.errors.length) {
    out.push('## New errors, crashes and timeouts', '', '| template | verdict | error |', '| --- | --- | --- |');
    for (const o of r.errors.slice(0, TOP)) {
      const e = o.headError;
      const where = e?.line !== undefined ? ` at ${e.line}:${e.column ?? 1}` : '';
      out.push(`| \`${o.fingerprint}\` ${cell(short(r.templates.get(o.fingerprint)?.normalized ?? ''))} | ${o.verdict} | ${cell(short(e ? `${e.code}${where}: ${e.message}` : o.reason, 120))} |`);
    }
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
