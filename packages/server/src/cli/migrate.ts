import type { Command } from 'commander';
import { migrateToLatest } from '../platform/db/database.js';
import { withPlatform } from './platform.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (HAVEN_DB) and exit')
    .action(async () => {
      await withPlatform(async (platform) => {
        const applied = await migrateToLatest(platform.database.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      });
    });
}
