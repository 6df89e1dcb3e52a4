/** Reading workloads and their templates (store.ts delegates here; writing them is store.ts's saveWorkload). */
import { decodeRow, TEMPLATES, WORKLOADS } from './columns.ts';
import type { StoredTemplate, WorkloadRecord } from './records.ts';
import type { SqlBackend } from './sql-backend.ts';

export async function getWorkload(db: SqlBackend, name: string): Promise<WorkloadRecord | null> {
  const rows = await db.allJson('SELECT * FROM workloads WHERE name = ?', [name]);
  return rows[0] ? decodeRow(WORKLOADS, rows[0]) : null;
}

export async function listWorkloads(db: SqlBackend): Promise<(WorkloadRecord & { templates: number })[]> {
  const rows = await db.allJson('SELECT w.*, (SELECT count(*) FROM templates t WHERE t.workload = w.name) AS n FROM workloads w ORDER BY name');
  return rows.map((r) => ({ ...decodeRow(WORKLOADS, r), templates: Number(r.n) }));
}

export async function getTemplates(db: SqlBackend, workload: string, fingerprints?: readonly string[]): Promise<StoredTemplate[]> {
  const d = db.dialect;
  const rows = fingerprints
    ? await db.all(`SELECT * FROM templates WHERE workload = ? AND ${d.listContains(d.listParam('text'), 'fingerprint')} ORDER BY count DESC, fingerprint`, [workload, JSON.stringify(fingerprints)])
    : await db.all('SELECT * FROM templates WHERE workload = ? ORDER BY count DESC, fingerprint', [workload]);
  return rows.map((r) => {
    const { workload: _, firstError, ...t } = decodeRow(TEMPLATES, r);
    return firstError ? { ...t, firstError } : t;
  });
}
