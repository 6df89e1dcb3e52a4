/**
 * Write a run's reports into a folder: report.md, junit.xml, report.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ReportData } from './report-data.ts';

export function renderJson(r: ReportData): string {
  return JSON.stringify(
    {
      run: r.run,
      counts: r.counts,
      gate: {
        passed: r.gate.passed,
        policy: r.policy,
        checks: r.gate.checks.map((c) => ({ ...c, offenders: c.offenders.map((o) => o.fingerprint) })),
        compiledShare: r.gate.compiledShare,
        bothError: r.gate.bothError,
        estimateMoved: r.gate.estimateMoved,
      },
      thresholds: r.thresholds,
      workloadImpact: r.workloadImpact,
      estimateMoved: r.estimateMoved.map((o) => o.fingerprint),
      clusters: r.clusters,
      ...(r.flight ? { flight: { ...r.flight, results: [...r.flight.results.values()] } } : {}),
      outcomes: r.outcomes.map((o) => ({ ...o, template: r.templates.get(o.fingerprint)?.normalized ?? null, ...(r.flight?.results.has(o.fingerprint) ? { flight: r.flight.results.get(o.fingerprint) } : {}) })),
    },
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  ) + '\n';
}

export function writeReports(dir: string, r: ReportData): { markdown: string; junit: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { markdown: join(dir, 'report.md'), junit: join(dir, 'junit.xml'), json: join(dir, 'report.json') };
  writeFileSync(paths.markdown, renderMarkdown(r));
  writeFileSync(paths.junit, renderJunit(r));
  writeFileSync(paths.json, renderJson(r));
  return paths;
}
