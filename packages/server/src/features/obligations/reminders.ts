import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/context.js';
import type { Mailer } from '../../platform/mail.js';
import { IDEMPOTENCY_RETENTION_MS } from '../../platform/http/idempotency.js';

export const DUE_SOON_MS = 2 * 60 * 60 * 1000;
const BATCH = 500;

type ReminderKind = 'obligation_due_soon' | 'obligation_overdue';

/**
 * One pass of the reminder job: for each open obligation newly due within two hours, or newly
 * overdue, notify the case's officer and the agency's supervisors — once. The claim is a
 * conditional update, so when several server processes run the pass at once exactly one of them
 * sends each reminder.
 */
export async function sendReminders(platform: Platform, mailer: Mailer | undefined = platform.mailer): Promise<{ dueSoon: number; overdue: number }> {
  const now = platform.clock();
  const soon = new Date(now.getTime() + DUE_SOON_MS).toISOString();
  const iso = now.toISOString();
  const { db } = platform.database;
  const counts = { dueSoon: 0, overdue: 0 };
  for (const kind of ['obligation_due_soon', 'obligation_overdue'] as ReminderKind[]) {
    const column = kind === 'obligation_due_soon' ? 'due_soon_notified_at' : 'overdue_notified_at';
    // A closed case owes nothing more until it is reopened.
    let query = db
      .selectFrom('obligations')
      .innerJoin('cases', 'cases.person_id', 'obligations.person_id')
      .select(['obligations.id', 'obligations.person_id', 'obligations.agency_id'])
      .where('obligations.status', '=', 'open')
      .where('cases.stage', '!=', 'closed')
      .where(`obligations.${column}`, 'is', null);
    query =
      kind === 'obligation_due_soon'
        ? query.where('obligations.due_by', '>=', iso).where('obligations.due_by', '<', soon)
        : query.where('obligations.due_by', '<', iso);
    const candidates = await query.limit(BATCH).execute();
    for (const obligation of candidates) {
      const sent = await db.transaction().execute(async (trx) => {
        const claim = await trx.updateTable('obligations').set({ [column]: iso }).where('id', '=', obligation.id).where(column, 'is', null).executeTakeFirst();
        if (Number(claim.numUpdatedRows) !== 1) return false;
        const officer = await trx.selectFrom('cases').select('officer_id').where('person_id', '=', obligation.person_id).executeTakeFirst();
        const supervisors = await trx.selectFrom('users').select('id').where('agency_id', '=', obligation.agency_id).where('role', '=', 'supervisor').where('disabled', '=', 0).execute();
        const recipients = new Set([...(officer?.officer_id ? [officer.officer_id] : []), ...supervisors.map((s) => s.id)]);
        if (recipients.size === 0) return [];
        await trx
          .insertInto('notifications')
          .values([...recipients].map((userId) => ({ id: randomUUID(), user_id: userId, kind, obligation_id: obligation.id, person_id: obligation.person_id, created_at: iso, read_at: null })))
          .execute();
        const addresses = await trx.selectFrom('users').select('email').where('id', 'in', [...recipients]).where('email', 'is not', null).execute();
        return addresses.map((a) => a.email!);
      });
      if (sent === false) continue;
      counts[kind === 'obligation_due_soon' ? 'dueSoon' : 'overdue'] += 1;
      if (mailer) await mailReminder(platform, mailer, kind, sent);
    }
  }
  // Answers kept for idempotent retries are not kept forever.
  await db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString()).execute();
  return counts;
}

const SUBJECTS: Record<ReminderKind, string> = {
  obligation_due_soon: 'Haven: an obligation on one of your cases is due within two hours',
  obligation_overdue: 'Haven: an obligation on one of your cases is overdue',
};

/**
 * The e-mail copy of a reminder, after the in-app one is committed. It says nothing about the
 * person or the obligation (mail leaves the system): only that there is something to see.
 * Delivery is best effort; the in-app notification is the record.
 */
async function mailReminder(platform: Platform, mailer: Mailer, kind: ReminderKind, addresses: string[]): Promise<void> {
  const where = platform.config.publicUrl ?? 'Haven';
  const text = `${SUBJECTS[kind]}.\n\nSign in to ${where} and open your notifications to see it.\n`;
  // A refused address must not stop the pass; the in-app notification already stands.
  await Promise.allSettled(addresses.map((to) => mailer.send(to, SUBJECTS[kind], text)));
}

/** Runs the reminder pass every `intervalMs` until stopped; a failed pass is logged and retried next time. */
export function startReminders(platform: Platform, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= sendReminders(platform)
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  // Stopping waits for a pass under way, so the database is not closed beneath it.
  return async () => {
    clearInterval(timer);
    await running;
  };
}
