import type { StoreUnit } from '../../store/unit.js';

// The retention run's one write to a table it does not own, behind one function until the
// notifications feature exports it.

/** Deletes the notifications to staff created before the cut-off; answers how many. */
export async function forgetNotificationsBefore(unit: StoreUnit, cutoff: string): Promise<number> {
  const result = await unit.db.deleteFrom('notifications').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
