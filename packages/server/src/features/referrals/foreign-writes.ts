import { randomUUID } from 'node:crypto';
import type { StoreUnit } from '../../store/unit.js';

// The two writes a referral makes to tables it does not own, each behind one function until their
// owners export the operation: the case's stage (cases) and the in-app notifications.

/** The case moves on to `referred` (a newer version: an edit based on the old one is refused). */
export async function markCaseReferred(unit: StoreUnit, personId: string, at: string): Promise<void> {
  await unit.db
    .updateTable('cases')
    .set((eb) => ({ stage: 'referred', version: eb('version', '+', 1), updated_at: at }))
    .where('person_id', '=', personId)
    .where('stage', 'in', ['registered', 'screened', 'assisted'])
    .execute();
}

/** In-app notifications (the notifications table has no referral column: they name the person). */
export async function notifyUsers(unit: StoreUnit, userIds: readonly string[], kind: string, personId: string, at: string): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await unit.db
    .insertInto('notifications')
    .values(unique.map((userId) => ({ id: randomUUID(), user_id: userId, kind, obligation_id: null, person_id: personId, created_at: at, read_at: null })))
    .execute();
}
