import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './001_foundation.js';
import { operations } from './002_operations.js';

/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_operations': operations,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
