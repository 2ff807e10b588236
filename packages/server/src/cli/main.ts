import { Command, CommanderError } from 'commander';
import { registerAssess } from './assess.js';
import { registerAudit } from './audit.js';
import { registerBackup } from './backup.js';
import { registerExport } from './export.js';
import { registerKeys } from './keys.js';
import { registerMatch } from './match.js';
import { registerMigrate } from './migrate.js';
import { registerSeedDemo } from './seed-demo.js';
import { registerRetention } from './retention.js';
import { registerServe } from './serve.js';
import { registerStats } from './stats.js';
import { registerUser } from './user.js';
import { CliError } from './errors.js';

/** Builds the `haven` program; each subcommand lives in its own file. */
export function buildProgram(): Command {
  const program = new Command('haven')
    .description('Haven: protection of and assistance to smuggled migrants')
    .exitOverride()
    .showHelpAfterError();
  registerServe(program);
  registerMigrate(program);
  registerSeedDemo(program);
  registerUser(program);
  registerAudit(program);
  registerKeys(program);
  registerBackup(program);
  registerAssess(program);
  registerRetention(program);
  registerExport(program);
  registerMatch(program);
  registerStats(program);
  return program;
}

/** Runs the CLI and returns the exit code; errors go to stderr, never a stack trace for bad input. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode;
    }
    if (error instanceof CliError) {
      process.stderr.write(`haven: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`haven: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
