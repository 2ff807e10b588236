import { InvalidArgumentError, type Command } from 'commander';
import { recountStats } from '../features/stats/rollup.js';
import { withPlatform } from './platform.js';

function pageSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('give a whole number from 1 to 100000');
  return n;
}

/**
 * `haven stats recount`: counts every case file into the indicator rollups again, page by page
 * (one transaction each, so a running server keeps writing between them), progress on stderr.
 * For after a restore or a change of the counting rules.
 */
export function registerStats(program: Command): void {
  const stats = program.command('stats').description('The indicator rollups the statistics are read from');
  stats
    .command('recount')
    .description('Count every person and encounter into the rollups again; each cell moves by the difference from what was counted before')
    // Small pages: each holds the rollups (and so the writes of a running server) while it counts.
    .option('--page <n>', 'persons or encounters per page (one transaction each; writes wait for the page)', pageSize, 5_000)
    .option('--rebuild', 'empty the rollups first (reports undercount until it ends): when the cells themselves are in doubt')
    .action(async (options: { page: number; rebuild?: boolean }) => {
      await withPlatform(async (platform) => {
        const started = performance.now();
        await recountStats(platform, {
          pageSize: options.page,
          rebuild: options.rebuild ?? false,
          progress: (done, of) => process.stderr.write(`stats: ${done}/${of} pages counted\n`),
        });
        process.stderr.write(`stats: rollups counted again in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      });
    });
}
