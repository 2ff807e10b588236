import type { Platform } from '../../platform/context.js';
import type { Mailer } from '../../platform/mail.js';
import { IDEMPOTENCY_RETENTION_MS } from '../../platform/http/idempotency.js';
import { systemStore } from '../../store/system-store.js';
import { notifyOverdueHandovers } from '../handover/service.js';
import { notify } from '../notifications/service.js';
import { activeSupervisors, caseOfficer, claimReminder, emailsOf, reminderCandidates } from './store.js';

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
  const reminders = systemStore(platform, 'reminders');
  const counts = { dueSoon: 0, overdue: 0 };
  for (const kind of ['obligation_due_soon', 'obligation_overdue'] as ReminderKind[]) {
    const column = kind === 'obligation_due_soon' ? 'due_soon_notified_at' : 'overdue_notified_at';
    const due = kind === 'obligation_due_soon' ? { from: iso, before: soon } : { before: iso };
    const candidates = await reminders.unit((unit) => reminderCandidates(unit, column, due, BATCH));
    for (const obligation of candidates) {
      const sent = await reminders.unit(async (unit) => {
        if (!(await claimReminder(unit, obligation.id, column, iso))) return false;
        const officer = await caseOfficer(unit, obligation.person_id);
        const supervisors = await activeSupervisors(unit, obligation.agency_id);
        const recipients = [...new Set([...(officer ? [officer] : []), ...supervisors])];
        if (recipients.length === 0) return [];
        await notify(unit, { userIds: recipients, kind, obligationId: obligation.id, personId: obligation.person_id, at: iso });
        return emailsOf(unit, recipients);
      });
      if (sent === false) continue;
      counts[kind === 'obligation_due_soon' ? 'dueSoon' : 'overdue'] += 1;
      if (mailer) await mailReminder(platform, mailer, kind, sent);
    }
  }
  // Answers kept for idempotent retries are not kept forever.
  await platform.database.db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString()).execute();
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
    // Handovers not taken up in time are told to the receiving agency's supervisors in the same pass.
    running ??= sendReminders(platform)
      .then(() => notifyOverdueHandovers(platform))
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
