/**
 * The `flightdeck` command. Each subcommand lives in cli/commands/ and is a
 * thin edge: parse options, call one domain function, print, exit code.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCompile } from './commands/compile.ts';
import { registerCatalog } from './commands/catalog.ts';
import { registerBuilds } from './commands/builds.ts';
import { registerCorpus } from './commands/corpus.ts';
import { registerDemo } from './commands/demo.ts';
import { registerPlayback } from './commands/playback.ts';
import { registerWorker } from './commands/worker.ts';
import { registerGate } from './commands/gate.ts';
import { registerApprove } from './commands/approve.ts';
import { registerRuns } from './commands/runs.ts';
import { registerDesensitize } from './commands/desensitize.ts';
import { EXIT_USAGE } from './run-command.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('flightdeck')
  .description('Regression platform for SQL compilers and optimizers: playback, flighting, phased release.')
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCompile(program);
registerCatalog(program);
registerBuilds(program);
registerCorpus(program);
registerPlayback(program);
registerWorker(program);
registerApprove(program);
registerGate(program);
registerRuns(program);
registerDesensitize(program);
registerDemo(program);

// commander errors (unknown option, missing argument) are usage errors: exit 2
for (const cmd of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) cmd.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    process.exit(ok ? 0 : EXIT_USAGE);
  }
  throw err;
}
