import type { NotificationView } from '@haven/core';
import { notFound } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { countNotificationsBefore, deleteNotificationsBefore, deleteNotificationsOf, insertNotifications, markNotificationRead, notificationsOf, type Notice } from './store.js';

export type { Notice };

export type { NotificationView } from '@haven/core';

/**
 * Puts a notice on each user's list (each once) in the unit's transaction: the one way a feature
 * notifies staff (a reminder, a referral received or answered).
 */
export async function notify(unit: Pick<StoreUnit, 'db'>, notice: Notice): Promise<void> {
  await insertNotifications(unit, notice);
}

/** A person's notifications go with the person (a purge): answers how many went. */
export async function forgetNotificationsOf(unit: Pick<StoreUnit, 'db'>, personId: string): Promise<number> {
  return deleteNotificationsOf(unit, personId);
}

/** Notifications older than the retention cut-off go (the retention run): answers how many went. */
export async function forgetNotificationsBefore(unit: Pick<StoreUnit, 'db'>, cutoff: string): Promise<number> {
  return deleteNotificationsBefore(unit, cutoff);
}

/** How many notifications the retention run would delete. */
export function notificationsBefore(unit: Pick<StoreUnit, 'db'>, cutoff: string): Promise<number> {
  return countNotificationsBefore(unit, cutoff);
}

export async function myNotifications(store: ScopedStore, limit: number): Promise<NotificationView[]> {
  return store.unit(async (unit) =>
    (await notificationsOf(unit, limit)).map((n) => ({ id: n.id, kind: n.kind, obligationId: n.obligation_id, personId: n.person_id, createdAt: n.created_at, readAt: n.read_at })),
  );
}

export async function markRead(store: ScopedStore, id: string): Promise<void> {
  const at = store.platform.clock().toISOString();
  await store.unit(async (unit) => {
    if (!(await markNotificationRead(unit, id, at))) throw notFound('notification');
  });
}
