import type { Command } from 'commander';
import { withPlatform } from './platform.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (HAVEN_DB) and exit')
    .action(async () => {
      // Opening the platform migrates (and binds the key file); report what that opening applied.
      let applied: string[] = [];
      await withPlatform(
        async () => {
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
        },
        { onMigrated: (names) => (applied = names) },
      );
    });
}
