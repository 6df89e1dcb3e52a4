/**
 * Literal masking for workloads: at import (`corpus import --policy
 * --key-file`, before anything is stored) and for a workload already in the
 * store (`corpus desensitize`, rewritten in place). The column types the
 * masker needs come from the policy (`--suggest` writes them) or from the
 * source database.
 */
import { FlightdeckError } from '../../compiler/errors.ts';
import type { ImportResult } from '../../corpus/templates/import.ts';
import type { StoredTemplate } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import { loadKey } from './key.ts';
import { maskQueryLiterals, type LiteralMasking, type QueryMaskContext } from './mask-query.ts';
import { loadPolicy, type Policy, type SourceColumn } from './policy.ts';
import { attachSource, readSourceColumns } from './source.ts';
import { collectSecrets, scanTexts, type LeakHit } from './leak-scan.ts';
import { openDatabase } from '../../compiler/builds/duckdb-database.ts';

export interface LiteralMaskingSummary {
  readonly templates: number;
  /** templates with at least one masked literal */
  readonly touched: number;
  readonly literals: number;
  readonly exact: number;
  readonly approximate: number;
  readonly kept: number;
  readonly unparsed: number;
}

/** Policy + key + column types, ready for maskQueryLiterals. */
export async function literalMaskingContext(options: { policyFile: string; keyFile: string; source?: string }): Promise<QueryMaskContext> {
  const policy = loadPolicy(options.policyFile);
  const key = loadKey(options.keyFile);
  let columns: SourceColumn[];
  if (options.source) {
    columns = await readSourceColumns(options.source);
  } else {
    columns = columnsFromPolicy(policy, options.policyFile);
  }
  return { policy, key, columns };
}

function columnsFromPolicy(policy: Policy, file: string): SourceColumn[] {
  const out: SourceColumn[] = [];
  const missing: string[] = [];
  for (const [table, tp] of Object.entries(policy.tables)) {
    for (const [column, p] of Object.entries(tp.columns)) {
      if (p.type) out.push({ table, column, type: p.type });
      else if (p.kind !== 'keep') missing.push(`${table}.${column}`);
      else out.push({ table, column, type: 'VARCHAR' });
    }
  }
  if (missing.length) {
    throw new FlightdeckError('usage-error', `the policy has no column types for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}: pass --source DB (or write the policy with --suggest, which records them)`, { location: { file } });
  }
  return out;
}

/** Mask the literals of each template's representative SQL (the normalized text has none). */
export function maskTemplates<T extends { readonly sql: string }>(templates: readonly T[], cx: QueryMaskContext): { templates: T[]; summary: LiteralMaskingSummary } {
  const all: LiteralMasking[] = [];
  let touched = 0;
  let unparsed = 0;
  const out = templates.map((t) => {
    const r = maskQueryLiterals(t.sql, cx);
    if (r.literals.length) touched++;
    if (r.unparsed) unparsed++;
    all.push(...r.literals);
    return r.sql === t.sql ? t : { ...t, sql: r.sql };
  });
  const by = (e: LiteralMasking['effect']) => all.filter((l) => l.effect === e).length;
  return { templates: out, summary: { templates: templates.length, touched, literals: all.length, exact: by('exact'), approximate: by('approximate'), kept: by('kept'), unparsed } };
}

/**
 * `corpus import --policy P --key-file K`: the import's templates masked
 * and its reject messages redacted before anything is stored. The one call
 * the import command makes between importLogs and store.saveImport.
 */
export function maskImportResult(result: ImportResult, cx: QueryMaskContext): { result: ImportResult; summary: LiteralMaskingSummary } {
  const { templates, summary } = maskTemplates(result.templates, cx);
  return { result: { ...result, templates, rejects: redactRejects(result.rejects) }, summary };
}

/**
 * Reject examples quote the SQL a parser choked on (`near "… = 'O'Hara"`):
 * quoted fragments are blanked, the line numbers stay.
 */
export function redactRejects<T extends { readonly examples: readonly { readonly message: string }[] }>(rejects: readonly T[]): T[] {
  return rejects.map((r) => ({ ...r, examples: r.examples.map((e) => ({ ...e, message: redactMessage(e.message) })) }));
}

export function redactMessage(message: string): string {
  return message.replace(/"[^"]*"?/g, '"…"').replace(/'[^']*'?/g, "'…'");
}

/** Rewrite a stored workload in place: its templates' literals masked, the originals gone from the store's tables; `maskingNote` (e.g. `policy shop.policy.json`) is recorded on the workload. */
export async function desensitizeWorkload(store: Store, workload: string, cx: QueryMaskContext, maskingNote: string): Promise<LiteralMaskingSummary> {
  const w = await store.getWorkload(workload);
  if (!w) throw new FlightdeckError('not-found', `no workload '${workload}' in the store`);
  const templates: StoredTemplate[] = await store.getTemplates(workload);
  const { templates: masked, summary } = maskTemplates(templates, cx);
  await store.saveWorkload({ name: w.name, sources: w.sources, entries: w.entries, rejected: w.rejected, rejects: redactRejects(w.rejects), masking: maskingNote }, masked);
  await store.checkpoint();
  return summary;
}

/**
 * The leak scan over a workload as stored: every template's SQL and normalized text and every
 * reject message, against the source's values of the masked columns. Counts only.
 */
export async function scanWorkloadLeaks(store: Store, workload: string, source: string, policy: Policy): Promise<{ secrets: number; texts: number; hit: LeakHit | null }> {
  const w = await store.getWorkload(workload);
  if (!w) throw new FlightdeckError('not-found', `no workload '${workload}' in the store`);
  const texts = [
    ...(await store.getTemplates(workload)).flatMap((t) => [t.sql, t.normalized]),
    ...w.rejects.flatMap((r) => r.examples.map((e) => e.message)),
  ];
  return scanTextsForLeaks(texts, `workload ${workload}`, source, policy);
}

/**
 * The same scan over an import before it is stored: the representative SQL,
 * normalized texts and reject messages a masked import would write. The
 * literal masker only masks literals it can attribute to a masked column; this
 * is what makes `corpus import --policy --source` fail closed on the rest
 * (a literal inside a function call, a comment, a select list).
 */
export async function scanImportLeaks(result: ImportResult, source: string, policy: Policy): Promise<{ secrets: number; texts: number; hit: LeakHit | null }> {
  const texts = [
    ...result.templates.flatMap((t) => [t.sql, t.normalized]),
    ...result.rejects.flatMap((r) => r.examples.map((e) => e.message)),
  ];
  return scanTextsForLeaks(texts, 'the import', source, policy);
}

async function scanTextsForLeaks(texts: readonly string[], name: string, source: string, policy: Policy): Promise<{ secrets: number; texts: number; hit: LeakHit | null }> {
  const db = await openDatabase(':memory:');
  try {
    const secrets = await collectSecrets(db, await attachSource(db, source), policy);
    return { secrets: secrets.secrets, texts: texts.length, hit: await scanTexts(db, name, texts) };
  } finally {
    db.close();
  }
}
