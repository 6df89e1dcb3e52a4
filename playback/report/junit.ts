/**
 * JUnit XML: one testcase per template, so any CI shows playback results
 * natively. Regressions, new errors, crashes and timeouts (unapproved) are
 * failures; identical/improved/plan-changed/fixed-error pass; approved
 * changes pass with a note.
 */
import { fmtRatio } from '../verdict.ts';
import { FAILING_VERDICTS, type ReportData } from './report-data.ts';

export function escapeXml(s: string): string {
  // also drop characters XML 1.0 cannot carry
  // oxlint-disable-next-line no-control-regex
  return s.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderJunit(r: ReportData): string {
  const failures = r.outcomes.filter((o) => FAILING_VERDICTS.has(o.verdict) && !o.approved);
  const time = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(4);
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="flightdeck playback" tests="${r.outcomes.length}" failures="${failures.length}">`);
  lines.push(`  <testsuite name="${escapeXml(`${r.run.workload}: ${r.run.baseSpec} → ${r.run.headSpec}`)}" id="${escapeXml(r.run.id)}" tests="${r.outcomes.length}" failures="${failures.length}" errors="0">`);
  for (const o of r.outcomes) {
    const t = r.templates.get(o.fingerprint);
    const name = `${o.fingerprint} ${(t?.normalized ?? '').slice(0, 120)}`;
    lines.push(`    <testcase classname="${escapeXml(r.run.workload)}" name="${escapeXml(name)}" time="${time((o.baseMs ?? 0) + (o.headMs ?? 0))}">`);
    if (FAILING_VERDICTS.has(o.verdict) && !o.approved) {
      const detail = o.verdict === 'regressed' ? `cost ×${fmtRatio(o.costRatio ?? NaN)}, culprit rules: ${o.rulesDiff.join(' ') || 'none'}` : o.headError ? `${o.headError.code}: ${o.headError.message}` : o.reason;
      lines.push(`      <failure type="${o.verdict}" message="${escapeXml(`${o.verdict}: ${o.reason}`)}">${escapeXml(`${detail}\n\n${t?.sql ?? ''}`)}</failure>`);
    } else if (o.approved) {
      lines.push(`      <system-out>${escapeXml(`${o.verdict} (approved)`)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
