import type { Command } from 'commander';
import { ENCRYPTED_COLUMNS } from '../features/encrypted-columns.js';
import { systemStore } from '../store/system-store.js';
import { addDataKey, KEY_FILE_CHECK_MS } from '../platform/crypto/keyring.js';
import { countStale, reencryptAll } from '../platform/crypto/rotation.js';
import { CliError } from './errors.js';
import { withPlatform } from './platform.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Data encryption keys');
  keys
    .command('rotate')
    .description('Add a new data key, make it active, and re-encrypt every value in batches (safe while the server runs)')
    .option('--batch <n>', 'rows per transaction', '500')
    .option('--settle <ms>', 'wait for running servers to pick up the new key before the sweep', String(KEY_FILE_CHECK_MS + 1000))
    .action(async (options: { batch: string; settle: string }) => {
      const batch = Number(options.batch);
      const settle = Number(options.settle);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new CliError(`--batch: must be an integer from 1 to 10000, not "${options.batch}"`);
      if (!Number.isInteger(settle) || settle < 0) throw new CliError(`--settle: must be a number of milliseconds, not "${options.settle}"`);
      await withPlatform(async (platform) => {
        const id = addDataKey(platform.keyring.file);
        platform.keyring.reload();
        process.stdout.write(`new active key ${id}\n`);
        await new Promise((resolve) => setTimeout(resolve, settle));
        const total = await reencryptAll(platform, ENCRYPTED_COLUMNS, batch, (p) => {
          if (p.rewritten > 0) process.stdout.write(`  ${p.table}: ${p.rewritten} values re-encrypted\n`);
        });
        const stale = await countStale(platform, ENCRYPTED_COLUMNS);
        await systemStore(platform, 'cli', { actorUserId: null, actorAgencyId: null, requestId: 'cli-keys-rotate', clientAddress: null }).unit(async (unit) =>
          unit.record({ action: 'keys.rotated', recordType: 'keyring', recordId: id }),
        );
        if (stale > 0) throw new CliError(`${stale} values are still under an old key (busy rows); run haven keys rotate again`);
        process.stdout.write(`re-encrypted ${total} values; every value is under key ${id}\n`);
      });
    });
}
