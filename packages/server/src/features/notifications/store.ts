import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';

/** What lands on someone's list: about a person, and the obligation or referral it is about, if any. */
export interface Notice {
  userIds: readonly string[];
  kind: string;
  personId: string;
  obligationId?: string | null;
  referralId?: string | null;
  at: string;
}

/**
 * Puts the notice on each user's list. The same event about the same subject (the obligation, else
 * the referral, else the person) still unread on a list is counted on that row instead: a repeat
 * is one line with a count, not another identical line.
 */
export async function insertNotifications(unit: Pick<StoreUnit, 'db'>, notice: Notice): Promise<void> {
  const unique = [...new Set(notice.userIds)];
  if (unique.length === 0) return;
  const subject = notice.obligationId ?? notice.referralId ?? notice.personId;
  await unit.db
    .insertInto('notifications')
    .values(
      unique.map((userId) => ({
        id: randomUUID(),
        user_id: userId,
        kind: notice.kind,
        obligation_id: notice.obligationId ?? null,
        referral_id: notice.referralId ?? null,
        person_id: notice.personId,
        subject,
        count: 1,
        created_at: notice.at,
        last_at: notice.at,
        read_at: null,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'kind', 'subject'])
        .where('read_at', 'is', null)
        .doUpdateSet({ count: sql<number>`notifications.count + 1`, last_at: notice.at }),
    )
    .execute();
}

/** One of the caller's notifications with what it is about, as stored (the service narrows it to what the caller may see). */
export interface NotificationRow {
  id: string;
  kind: string;
  obligation_id: string | null;
  person_id: string | null;
  referral_id: string | null;
  count: number;
  created_at: string;
  last_at: string | null;
  read_at: string | null;
  obligation_code: string | null;
  obligation_due_by: string | null;
  obligation_status: string | null;
  referral_reference: string | null;
  referral_service: string | null;
  case_agency: string | null;
  encounter_id: string | null;
}

/** The caller's notifications, latest first, with the obligation, referral and case they name. */
export async function notificationsOf(unit: ScopedUnit, limit: number): Promise<NotificationRow[]> {
  return unit.db
    .selectFrom('notifications as n')
    .leftJoin('obligations as o', 'o.id', 'n.obligation_id')
    .leftJoin('referrals as r', 'r.id', 'n.referral_id')
    .leftJoin('cases as c', 'c.person_id', 'n.person_id')
    .leftJoin('agencies as a', 'a.id', 'c.agency_id')
    .leftJoin('persons as p', 'p.id', 'n.person_id')
    .select([
      'n.id',
      'n.kind',
      'n.obligation_id',
      'n.person_id',
      'n.referral_id',
      'n.count',
      'n.created_at',
      'n.last_at',
      'n.read_at',
      'o.code as obligation_code',
      'o.due_by as obligation_due_by',
      'o.status as obligation_status',
      'r.reference as referral_reference',
      'r.service_type as referral_service',
      'a.name as case_agency',
      'p.encounter_id',
    ])
    .where('n.user_id', '=', unit.actor.userId)
    .orderBy(sql`coalesce(n.last_at, n.created_at)`, 'desc')
    .orderBy('n.id')
    .limit(limit)
    .execute();
}

export async function unreadCountOf(unit: ScopedUnit): Promise<number> {
  const row = await unit.db.selectFrom('notifications').where('user_id', '=', unit.actor.userId).where('read_at', 'is', null).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
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

/** When a notification last happened: a repeat keeps it as recent as its latest. */
const LAST_HAPPENED = sql<string>`coalesce(last_at, created_at)`;

/** Deletes the notifications that last happened before the cut-off (the retention run); answers how many. */
export async function deleteNotificationsBefore(unit: Pick<StoreUnit, 'db'>, cutoff: string): Promise<number> {
  const result = await unit.db.deleteFrom('notifications').where(LAST_HAPPENED, '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countNotificationsBefore(unit: Pick<StoreUnit, 'db'>, cutoff: string): Promise<number> {
  return Number((await unit.db.selectFrom('notifications').where(LAST_HAPPENED, '<', cutoff).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}
