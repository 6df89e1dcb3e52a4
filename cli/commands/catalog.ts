import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadCatalog, catalogToJson } from '../../compiler/builds/load-catalog.ts';
import type { Catalog } from '../../compiler/ir/catalog.ts';
import { runCommand } from '../run-command.ts';

export function registerCatalog(program: Command): void {
  program
    .command('catalog')
    .description('print what the reference compiler sees in a database: tables, columns, types, statistics')
    .requiredOption('--catalog <db>', 'DuckDB database')
    .option('--json', 'print the catalog as JSON (the form handed to build processes)')
    .option('--table <name>', 'only this table')
    .action((opts: { catalog: string; json?: boolean; table?: string }) =>
      runCommand(async () => {
        const catalog = await loadCatalog(resolve(opts.catalog));
        if (opts.json) {
          process.stdout.write(catalogToJson(catalog) + '\n');
          return 0;
        }
        process.stdout.write(formatCatalog(catalog, opts.table));
        return 0;
      }),
    );
}

export function formatCatalog(catalog: Catalog, only?: string): string {
  const lines: string[] = [];
  const names = Object.keys(catalog.tables).sort().filter((n) => !only || n === only.toLowerCase());
  for (const name of names) {
    const t = catalog.tables[name]!;
    const pk = t.primaryKey.length ? `  primary key (${t.primaryKey.join(', ')})` : '';
    lines.push(`${t.name}  rows=${t.rowCount}${pk}`);
    const width = Math.max(...t.columns.map((c) => c.name.length));
    for (const c of t.columns) {
      const s = c.stats;
      const range = s.min !== null && s.max !== null ? `  min=${fmt(s.min, c.type)} max=${fmt(s.max, c.type)}` : '';
      const mcv = s.mostCommon.length ? `  mcv=${s.mostCommon.slice(0, 3).map((m) => `${m.value}:${m.frequency.toFixed(3)}`).join(',')}` : '';
      lines.push(
        `  ${c.name.padEnd(width)}  ${c.sqlType.padEnd(13)} ${c.nullable ? 'null    ' : 'not null'}  ndv=${s.distinct}  nulls=${s.nullFraction.toFixed(3)}${range}${mcv}`,
      );
    }
  }
  if (!names.length) lines.push(only ? `no table '${only}' in ${catalog.source}` : `no tables in ${catalog.source}`);
  return lines.join('\n') + '\n';
}

/** Catalog ranges are numbers (dates as days, timestamps as seconds since 1970): print them as the column's values. */
function fmt(n: number, type: string): string {
  if (type === 'date') return new Date(n * 86_400_000).toISOString().slice(0, 10);
  if (type === 'timestamp') return new Date(n * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
