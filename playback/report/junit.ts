/**
 * JUnit XML: one testcase per gate check and one per template, so any CI
 * shows playback results natively — and shows exactly what the gate decided
 * under the policy that was applied: a template fails when a failed check of
 * the gate counts it, an aggregate check (workload impact, compiled share)
 * fails as its own testcase, templates neither build compiles are skipped
 * with the reason, approved changes pass with a note. So the JUnit file has
 * failures exactly when the gate failed.
 */
import { failingFingerprints } from '../gate.ts';
import { fmtRatio } from '../verdict.ts';
import { formatCheckValue } from './gate-text.ts';
import type { ReportData } from './report-data.ts';

export function escapeXml(s: string): string {
  // also drop characters XML 1.0 cannot carry
  // oxlint-disable-next-line no-control-regex
  return s.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderJunit(r: ReportData): string {
  const failing = failingFingerprints(r.gate);
  const gateFailures = r.gate.checks.filter((c) => !c.passed).length;
  // a both-error template the policy fails is a failure, not also a skip
  const skipped = r.outcomes.filter((o) => o.verdict === 'both-error' && !failing.has(o.fingerprint)).length;
  const time = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(4);
  const tests = r.outcomes.length + r.gate.checks.length;
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="flightdeck playback" tests="${tests}" failures="${failing.size + gateFailures}" skipped="${skipped}">`);
  lines.push(`  <testsuite name="${escapeXml(`gate: ${r.run.id}`)}" id="${escapeXml(`${r.run.id}/gate`)}" tests="${r.gate.checks.length}" failures="${gateFailures}" errors="0">`);
  for (const c of r.gate.checks) {
    lines.push(`    <testcase classname="gate" name="${escapeXml(c.name)}">`);
    if (!c.passed) {
      const op = c.kind === 'coverage' ? 'at least' : 'limit';
      const message = `${c.name}: ${formatCheckValue(c, c.actual)} (${op} ${formatCheckValue(c, c.limit)})`;
      const detail = c.offenders.slice(0, 20).map((o) => `${o.fingerprint} ${o.verdict} weight ${(o.weight * 100).toFixed(2)}%: ${o.reason}`).join('\n');
      lines.push(`      <failure type="gate" message="${escapeXml(message)}">${escapeXml(detail)}</failure>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  lines.push(
    `  <testsuite name="${escapeXml(`${r.run.workload}: ${r.run.baseSpec} → ${r.run.headSpec}`)}" id="${escapeXml(r.run.id)}" tests="${r.outcomes.length}" failures="${failing.size}" errors="0" skipped="${skipped}">`,
  );
  for (const o of r.outcomes) {
    const t = r.templates.get(o.fingerprint);
    const name = `${o.fingerprint} ${(t?.normalized ?? '').slice(0, 120)}`;
    lines.push(`    <testcase classname="${escapeXml(r.run.workload)}" name="${escapeXml(name)}" time="${time((o.baseMs ?? 0) + (o.headMs ?? 0))}">`);
    const check = failing.get(o.fingerprint);
    if (check) {
      const detail = o.verdict === 'regressed' ? `cost ×${fmtRatio(o.costRatio ?? NaN)}, culprit rules: ${o.rulesDiff.join(' ') || 'none'}` : o.headError ? `${o.headError.code}: ${o.headError.message}` : o.reason;
      lines.push(`      <failure type="${o.verdict}" message="${escapeXml(`${o.verdict}: ${o.reason} (gate check: ${check.name})`)}">${escapeXml(`${detail}\n\n${t?.sql ?? ''}`)}</failure>`);
    } else if (o.verdict === 'both-error') {
      const e = o.headError ?? o.baseError;
      lines.push(`      <skipped message="${escapeXml(`neither build compiles this query: ${e ? `${e.code}: ${e.message}` : o.reason}`)}"/>`);
    } else if (o.approved) {
      lines.push(`      <system-out>${escapeXml(`${o.verdict} (approved)`)}</system-out>`);
    } else if (o.verdict !== 'identical') {
      lines.push(`      <system-out>${escapeXml(`${o.verdict}: ${o.reason}`)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
