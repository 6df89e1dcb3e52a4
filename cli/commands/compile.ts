import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FlightdeckError } from '../../compiler/errors.ts';
import { openBuild } from '../../compiler/builds/open-build.ts';
import { DEFAULT_TIMEOUT_MS } from '../../compiler/builds/process-build.ts';
import { formatNumber } from '../../compiler/print/print.ts';
import { EXIT_FAILED, parsePositive, runCommand, usageError } from '../run-command.ts';

const LEVELS = ['simplified', 'explain', 'json', 'sql'] as const;
type Level = (typeof LEVELS)[number];

async function readQuery(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new FlightdeckError('not-found', `query file not found: ${file}`, { location: { file } });
  }
}

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('compile one query with a build and print its plan')
    .requiredOption('--build <spec>', 'build spec: reference[@ref][#profile] | duckdb[@version][?k=v] | command:<path>')
    .requiredOption('--catalog <db>', 'DuckDB database the build binds against')
    .option('--level <level>', `output: ${LEVELS.join(' | ')}`, 'explain')
    .option('--timeout <ms>', 'time limit for the compile, in ms', String(DEFAULT_TIMEOUT_MS))
    .argument('<file>', 'a .sql file, or - for standard input')
    .addHelpText('after', '\nExit codes: 0 compiled, 1 the query failed to compile (error printed with its location), 2 usage or environment error.')
    .action((file: string, opts: { build: string; catalog: string; level: string; timeout: string }) =>
      runCommand(async () => {
        if (!LEVELS.includes(opts.level as Level)) throw usageError(`--level must be one of ${LEVELS.join(', ')}; got '${opts.level}'`);
        const timeoutMs = parsePositive('--timeout', opts.timeout);
        const sql = await readQuery(file);
        const build = await openBuild(opts.build, { catalogPath: resolve(opts.catalog), timeoutMs });
        try {
          const result = await build.compile(sql);
          if (!result.ok) {
            const where = result.error.line !== undefined ? ` at ${file === '-' ? 'stdin' : file}:${result.error.line}:${result.error.column ?? 1}` : '';
            process.stderr.write(`${result.status === 'error' ? 'error' : result.status}: ${result.error.code}${where}: ${result.error.message}\n`);
            return EXIT_FAILED;
          }
          const level = opts.level as Level;
          if (level === 'sql') {
            if (!result.sql) throw usageError(`build ${build.spec} cannot produce SQL (only reference builds lower plans to SQL)`);
            process.stdout.write(result.sql.endsWith('\n') ? result.sql : result.sql + '\n');
          } else if (level === 'json') {
            process.stdout.write(JSON.stringify(result.plan.json, null, 2) + '\n');
          } else {
            process.stdout.write(result.plan[level]);
            if (level === 'explain') {
              process.stdout.write(`-- build: ${build.description}\n-- cost: ${round(result.cost)}  rows: ${round(result.rows)}  compile: ${result.timingMs.toFixed(2)} ms\n`);
              if (result.rulesFired.length) process.stdout.write(`-- rules fired: ${result.rulesFired.join(', ')}\n`);
            }
          }
          return 0;
        } finally {
          await build.close();
        }
      }),
    );
}

function round(n: number): string {
  return formatNumber(n);
}
