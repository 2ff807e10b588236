import type { Command } from 'commander';
import { DEMO_HISTORY_CASES } from '../demo/history.js';
import { seedDemo } from '../demo/jurisdiction.js';
import { CliError } from './errors.js';
import { withPlatform } from './platform.js';
import { historySizeOption } from './serve.js';

export function registerSeedDemo(program: Command): void {
  program
    .command('seed-demo')
    .description('Create the demo jurisdiction (agencies, one user per role and a second administrator, a service directory, a synthetic year of history) in an empty database')
    .option('--history <persons>', 'persons in the synthetic year of history (0 for none)', String(DEMO_HISTORY_CASES))
    .action(async (options: { history: string }) => {
      const persons = historySizeOption('--history', options.history);
      await withPlatform(async (platform) => {
        const seeded = await seedDemo(platform, persons);
        if (!seeded) throw new CliError('the database already has agencies; the demo jurisdiction is only seeded into an empty database');
        const { credentials, history } = seeded;
        if (history) process.stderr.write(`synthetic history: ${history.persons} persons in ${history.encounters} encounters (${(history.milliseconds / 1000).toFixed(1)} s)\n`);
        for (const c of credentials) process.stdout.write(`${c.username}\t${c.password}\t${c.role}\t${c.agency}\n`);
      });
    });
}
