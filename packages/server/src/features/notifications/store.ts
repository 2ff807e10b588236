import { randomUUID } from 'node:crypto';
import type { NotificationTable } from '../../platform/db/schema.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';

/** What lands on someone's list: about a person, and the obligation it reminds of, if any. */
export interface Notice {
  userIds: readonly string[];
  kind: string;
  personId: string;
  obligationId?: string | null;
  at: string;
}

export async function insertNotifications(unit: Pick<StoreUnit, 'db'>, notice: Notice): Promise<void> {
  const unique = [...new Set(notice.userIds)];
  if (unique.length === 0) return;
  await unit.db
    .insertInto('notifications')
    .values(unique.map((userId) => ({ id: randomUUID(), user_id: userId, kind: notice.kind, obligation_id: notice.obligationId ?? null, person_id: notice.personId, created_at: notice.at, read_at: null })))
    .execute();
}

/** The caller's notifications, latest first. */
export async function notificationsOf(unit: ScopedUnit, limit: number): Promise<NotificationTable[]> {
  return unit.db.selectFrom('notifications').selectAll().where('user_id', '=', unit.actor.userId).orderBy('created_at', 'desc').limit(limit).execute();
}

/** Marks one of the caller's notifications read; false when the caller has none by that id. */
export async function markNotificationRead(unit: ScopedUnit, id: string, at: string): Promise<boolean> {
  const result = await unit.db.updateTable('notifications').set({ read_at: at }).where('id', '=', id).where('user_id', '=', unit.actor.userId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a person's notifications (their purge); answers how many. */
export async function deleteNotificationsOf(unit: Pick<StoreUnit, 'db'>, personId: string): Promise<number> {
  return Number((await unit.db.deleteFrom('notifications').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows);
}

/** Deletes the notifications created before the cut-off (the retention run); answers how many. */
export async function deleteNotificationsBefore(unit: Pick<StoreUnit, 'db'>, cutoff: string): Promise<number> {
  const result = await unit.db.deleteFrom('notifications').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countNotificationsBefore(unit: Pick<StoreUnit, 'db'>, cutoff: string): Promise<number> {
  return Number((await unit.db.selectFrom('notifications').where('created_at', '<', cutoff).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}
