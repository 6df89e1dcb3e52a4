import type { Command } from 'commander';
import { describeBuilds } from '../../compiler/builds/describe-builds.ts';
import { runCommand } from '../run-command.ts';

export function registerBuilds(program: Command): void {
  program
    .command('builds')
    .description('list the build kinds, their spec syntax, and the DuckDB versions shipped')
    .action(() =>
      runCommand(async () => {
        process.stdout.write(describeBuilds());
        return 0;
      }),
    );
}
