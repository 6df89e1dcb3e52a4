/**
 * The `flightdeck` command. Each subcommand lives in cli/commands/ and is a
 * thin edge: parse options, call one domain function, print, exit code. Only
 * the command named on the command line is loaded (cli/commands-table.ts).
 */
import { CommanderError } from 'commander';
import { newProgram, registerFor } from './commands-table.ts';
import { EXIT_USAGE } from './run-command.ts';

const program = newProgram();
await registerFor(program, process.argv.slice(2));
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
