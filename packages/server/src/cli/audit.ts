import type { Command } from 'commander';
import { verifyAuditChain } from '../platform/audit/chain.js';
import { CliError } from './errors.js';
import { withPlatform } from './platform.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The hash-chained audit trail');
  audit
    .command('verify')
    .description('Recompute the audit chain; exits non-zero naming the first row that does not hold')
    .action(async () => {
      await withPlatform(async (platform) => {
        const verdict = await verifyAuditChain(platform.database.db, platform.cipher);
        if (!verdict.ok) throw new CliError(`audit chain broken at row ${verdict.firstBad!.seq}: ${verdict.firstBad!.reason}`);
        process.stdout.write(`audit chain intact: ${verdict.rows} rows\n`);
      });
    });
}
