import type { FieldGroup, NotificationView, ServiceType } from '@haven/core';
import { notFound } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { personFieldsOf } from '../persons/service.js';
import {
  countNotificationsBefore,
  deleteNotificationsBefore,
  deleteNotificationsOf,
  insertNotifications,
  markNotificationRead,
  notificationsOf,
  unreadCountOf,
  type Notice,
  type NotificationRow,
} from './store.js';

export type { Notice };

export type { NotificationView } from '@haven/core';

/**
 * Puts a notice on each user's list (each once) in the unit's transaction: the one way a feature
 * notifies staff (a reminder, a referral received or answered). A repeat of the same event about
 * the same subject still unread is counted on the notice already there.
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

/**
 * My notifications, each built for me now: what it is about as far as I may see it today (scope
 * can have changed since it was sent) and where the work is done. Naming a person is a read of
 * their record, audited with the fields shown.
 */
export async function myNotifications(store: ScopedStore, limit: number): Promise<NotificationView[]> {
  return store.unit(async (unit) => {
    const rows = await notificationsOf(unit, limit);
    const people = new Map<string, Promise<Seen>>();
    const seen = (personId: string) => {
      let pending = people.get(personId);
      if (!pending) people.set(personId, (pending = seePerson(unit, personId)));
      return pending;
    };
    const now = unit.platform.clock().getTime();
    const views: NotificationView[] = [];
    for (const row of rows) views.push(await viewOf(unit, row, row.person_id ? await seen(row.person_id) : undefined, now));
    return views;
  });
}

/** What I see of a person named by my notifications: their field groups (none when out of my scope), name, and whether I work on their case. */
interface Seen {
  groups: ReadonlySet<FieldGroup> | undefined;
  name: string | null;
  worksOnCase: boolean;
}

async function seePerson(unit: ScopedUnit, personId: string): Promise<Seen> {
  const groups = await unit.groupsOf(personId);
  if (!groups) return { groups, name: null, worksOnCase: false };
  const worksOnCase = await unit.worksOnCase(personId);
  const fields: string[] = [];
  let name: string | null = null;
  if (groups.has('identity')) {
    const values = await personFieldsOf(unit, personId, new Set<FieldGroup>(['identity']));
    const parts = [values?.givenName, values?.familyName].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
    if (parts.length > 0) {
      name = parts.join(' ');
      fields.push(...(typeof values?.givenName === 'string' ? ['givenName'] : []), ...(typeof values?.familyName === 'string' ? ['familyName'] : []));
    }
  }
  // The obligations and referrals a notice names are the person's too.
  unit.record({ action: 'person.read', recordType: 'person', recordId: personId, fields: [...fields, 'obligations', 'referrals'] });
  return { groups, name, worksOnCase };
}

async function viewOf(unit: ScopedUnit, row: NotificationRow, seen: Seen | undefined, now: number): Promise<NotificationView> {
  const visible = seen?.groups !== undefined;
  const status = row.obligation_status === 'open' && row.obligation_due_by !== null && Date.parse(row.obligation_due_by) < now ? 'overdue' : row.obligation_status;
  return {
    id: row.id,
    kind: row.kind,
    obligationId: row.obligation_id,
    personId: row.person_id,
    referralId: row.referral_id,
    createdAt: row.created_at,
    lastAt: row.last_at ?? row.created_at,
    count: Number(row.count),
    readAt: row.read_at,
    person: row.person_id ? { name: seen?.name ?? null, caseAgency: row.case_agency } : null,
    obligation: visible && row.obligation_code ? { code: row.obligation_code, dueBy: row.obligation_due_by, status: status ?? 'open' } : null,
    referral: visible && row.referral_reference && row.referral_service ? { reference: row.referral_reference, service: row.referral_service as ServiceType } : null,
    link: visible ? linkFor(unit, row, seen) : null,
  };
}

/**
 * The screen where the reader does the work a notice asks for: the case page for an agency working
 * on the case, the referral's page for the agency it was sent to, the encounter for a first
 * responder; none for a role with no such screen.
 */
function linkFor(unit: ScopedUnit, row: NotificationRow, seen: Seen | undefined): string | null {
  const { role } = unit.actor;
  const onCase = seen?.worksOnCase === true;
  if (onCase && (role === 'protection_officer' || role === 'supervisor') && row.person_id) return `/cases/${row.person_id}`;
  if (row.referral_id && (role === 'service_provider' || role === 'supervisor')) return `/referrals/${row.referral_id}`;
  if (onCase && role === 'first_responder' && row.encounter_id) return `/first-response/encounters/${row.encounter_id}`;
  return null;
}

/** How many of my notifications are unread. */
export async function myUnreadCount(store: ScopedStore): Promise<number> {
  return store.unit((unit) => unreadCountOf(unit));
}

export async function markRead(store: ScopedStore, id: string): Promise<void> {
  const at = store.platform.clock().toISOString();
  await store.unit(async (unit) => {
    if (!(await markNotificationRead(unit, id, at))) throw notFound('notification');
  });
}
