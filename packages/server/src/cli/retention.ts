import { InvalidArgumentError, type Command } from 'commander';
import { RETENTION_RECORD_TYPES } from '@haven/core';
import { runRetention } from '../features/retention/service.js';
import { withPlatform } from './platform.js';

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('give a whole number from 1 to 10000');
  return n;
}

/**
 * `haven retention run`: destroys the personal data of records past the SOP profile's retention
 * periods, in batches (one transaction each), progress on stderr, the report as JSON on stdout.
 */
export function registerRetention(program: Command): void {
  const retention = program.command('retention').description('Retention limits: destroy personal data past the periods of the SOP profile');
  retention
    .command('run')
    .description('Purge closed cases, closed allegations and notifications past their retention period; held persons are kept')
    .option('--batch <n>', 'records per transaction', batchSize, 200)
    .option('--dry-run', 'count what is due and held; change nothing')
    .action(async (options: { batch: number; dryRun?: boolean }) => {
      await withPlatform(async (platform) => {
        const report = await runRetention(platform, {
          batch: options.batch,
          dryRun: options.dryRun ?? false,
          onProgress: (p) => process.stderr.write(`retention: ${p.recordType} ${p.done}/${p.total}${p.held ? ` (${p.held} held)` : ''}\n`),
        });
        for (const type of RETENTION_RECORD_TYPES) {
          const t = report.types[type];
          const what = report.dryRun ? `${t.due - t.held} would be purged` : `${t.purged} purged`;
          process.stderr.write(`retention: ${type} (kept ${t.period}): ${t.due} due, ${what}, ${t.held} held\n`);
        }
        if (report.compacted && report.compacted.walTruncated === false) process.stderr.write('retention: another process holds the database open: the WAL could not be truncated; run again when it is idle\n');
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      });
    });
}
