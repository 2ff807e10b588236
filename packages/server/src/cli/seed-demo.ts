import type { Command } from 'commander';
import { seedDemoJurisdiction } from '../demo/jurisdiction.js';
import { CliError } from './errors.js';
import { withPlatform } from './platform.js';

export function registerSeedDemo(program: Command): void {
  program
    .command('seed-demo')
    .description('Create the demo jurisdiction (agencies, one user per role and a second administrator, a service directory) in an empty database')
    .action(async () => {
      await withPlatform(async (platform) => {
        const credentials = await seedDemoJurisdiction(platform);
        if (!credentials) throw new CliError('the database already has agencies; the demo jurisdiction is only seeded into an empty database');
        for (const c of credentials) process.stdout.write(`${c.username}\t${c.password}\t${c.role}\t${c.agency}\n`);
      });
    });
}
