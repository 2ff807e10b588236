import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './001_foundation.js';
import { operations } from './002_operations.js';
import { userEmail } from './003_user_email.js';
import { referralsJusticeOversight } from './004_referrals_justice_oversight.js';

/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_operations': operations,
  '003_user_email': userEmail,
  '004_referrals_justice_oversight': referralsJusticeOversight,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
