import { sql } from 'kysely';
import type { Platform } from '../../platform/context.js';
import { migrations } from '../../platform/db/migrations/index.js';
import { HttpProblem } from '../../platform/http/problem.js';

/** The database answers and every migration is applied, else 503 not-ready. */
export async function readiness(platform: Platform): Promise<{ status: 'ready'; database: 'sqlite' | 'postgres' }> {
  try {
    await sql`select 1`.execute(platform.database.db);
    const applied = await platform.database.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
    if (applied.length < Object.keys(migrations).length) throw new Error('migrations pending');
  } catch {
    throw new HttpProblem('not-ready', 'The database is not reachable or not migrated.');
  }
  return { status: 'ready', database: platform.database.dialect };
}
