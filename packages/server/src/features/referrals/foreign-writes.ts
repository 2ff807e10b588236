import { randomUUID } from 'node:crypto';
import type { StoreUnit } from '../../store/unit.js';

// The one write a referral makes to a table it does not own, behind one function until its owner
// exports the operation: the in-app notifications.

/** In-app notifications (the notifications table has no referral column: they name the person). */
export async function notifyUsers(unit: StoreUnit, userIds: readonly string[], kind: string, personId: string, at: string): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await unit.db
    .insertInto('notifications')
    .values(unique.map((userId) => ({ id: randomUUID(), user_id: userId, kind, obligation_id: null, person_id: personId, created_at: at, read_at: null })))
    .execute();
}
