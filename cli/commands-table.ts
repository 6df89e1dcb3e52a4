/**
 * The table of `flightdeck` commands, for a short start-up: only the command
 * that runs is loaded — its module (and what it imports: DuckDB, BullMQ, the
 * SQL parser) is imported when its name is on the command line. The overview
 * (`flightdeck --help`, a mistyped command) is drawn from COMMANDS without
 * loading any of them; test/cli/startup.test.ts checks that it matches what
 * the modules register.
 */
import { Command, Help } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLIGHTDECK_ROOT } from '../compiler/builds/duckdb-versions.ts';

type Register = (program: Command) => void;

export interface LazyCommand {
  /** the name on the command line */
  readonly name: string;
  /** how the overview lists it: name, `[options]` when it has any, its arguments */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<Register>;
}

export const COMMANDS: readonly LazyCommand[] = [
  { name: 'compile', term: 'compile [options] <file>', description: 'compile one query with a build and print its plan', load: async () => (await import('./commands/compile.ts')).registerCompile },
  { name: 'catalog', term: 'catalog [options]', description: 'print what the reference compiler sees in a database: tables, columns, types, statistics', load: async () => (await import('./commands/catalog.ts')).registerCatalog },
  { name: 'builds', term: 'builds', description: 'list the build kinds, their spec syntax, and the DuckDB versions shipped', load: async () => (await import('./commands/builds.ts')).registerBuilds },
  { name: 'corpus', term: 'corpus', description: 'query logs, workloads and sample data', load: async () => (await import('./commands/corpus.ts')).registerCorpus },
  { name: 'playback', term: 'playback [options]', description: 'compile every template of a workload with a base and a head build, diff and classify the plans', load: async () => (await import('./commands/playback.ts')).registerPlayback },
  { name: 'flight', term: 'flight [options]', description: 'execute a playback run’s templates on a desensitized snapshot with both builds: result mismatches and measured speed', load: async () => (await import('./commands/flight.ts')).registerFlight },
  { name: 'worker', term: 'worker [options]', description: 'process playback and flight jobs from a BullMQ queue on Redis until stopped (SIGINT/SIGTERM); keeps reconnecting while Redis is away', load: async () => (await import('./commands/worker.ts')).registerWorker },
  { name: 'approve', term: 'approve [options]', description: 'accept reviewed plan changes on purpose, so later runs do not flag them again', load: async () => (await import('./commands/approve.ts')).registerApprove },
  { name: 'gate', term: 'gate [options]', description: 'apply a policy to a run: exit 0 pass, 1 fail, 2 usage or infrastructure error', load: async () => (await import('./commands/gate.ts')).registerGate },
  // registerRuns registers both `runs` and `report`
  { name: 'runs', term: 'runs [options]', description: 'list playback runs and flights in the store', load: async () => (await import('./commands/runs.ts')).registerRuns },
  { name: 'report', term: 'report [options]', description: 'write a run’s reports: report.md (CI summary), junit.xml, report.json', load: async () => (await import('./commands/runs.ts')).registerRuns },
  { name: 'desensitize', term: 'desensitize [options]', description: 'mask real data into a snapshot, with a report proving what was masked and that nothing leaked', load: async () => (await import('./commands/desensitize.ts')).registerDesensitize },
  { name: 'serve', term: 'serve [options]', description: 'serve the dashboard: the JSON API and the web app, on one port', load: async () => (await import('./commands/serve.ts')).registerServe },
  { name: 'demo', term: 'demo [options]', description: 'end-to-end demo: TPC-H through every build kind; shop data desensitized, its log played back through two changes and flown on the snapshot', load: async () => (await import('./commands/demo.ts')).registerDemo },
];

const pkg = JSON.parse(readFileSync(join(FLIGHTDECK_ROOT, 'package.json'), 'utf8')) as { version: string };

export function newProgram(): Command {
  return new Command('flightdeck')
    .description('Regression platform for SQL compilers and optimizers: playback, flighting, phased release.')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/** The command named on this command line: the first word, or the one after `help`. */
export function commandNamed(args: readonly string[]): LazyCommand | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/** Register the named command for real, or (for the overview and unknown commands) every command by name only. */
export async function registerFor(program: Command, args: readonly string[]): Promise<void> {
  const named = commandNamed(args);
  if (named) {
    (await named.load())(program);
    return;
  }
  const terms = new Map<Command, string>();
  for (const c of COMMANDS) terms.set(program.command(c.name).description(c.description), c.term);
  const fallback = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? fallback.subcommandTerm(cmd) });
}
