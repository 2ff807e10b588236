import { z } from 'zod';
import { GUARDED_ACTIONS, SERVICE_TYPES, type GuardedAction } from '../codes.js';

// What the obligation routes answer.

export const OBLIGATION_VIEW_STATUSES = ['open', 'overdue', 'fulfilled', 'waived', 'lapsed'] as const;

export const obligationViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    code: z.string(),
    status: z.enum(OBLIGATION_VIEW_STATUSES).describe('lapsed: its trigger ended while it was still open (kept as history)'),
    basis: z.array(z.string()),
    dueBy: z.string().nullable(),
    fulfilledBy: z.unknown(),
    fulfilment: z.object({ type: z.string(), id: z.string().nullable(), at: z.string() }).nullable(),
    waiver: z.object({ by: z.string(), reason: z.string(), at: z.string() }).nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Obligation' });
/** `overdue` is open with its deadline passed (the server derives it when it answers). */
export type ObligationView = z.infer<typeof obligationViewSchema>;

/** An obligation as a work queue lists it: with the person's name, where the caller's role sees names. */
export const queuedObligationSchema = obligationViewSchema
  .extend({ personName: z.string().nullable().describe('The person’s given and family names; null when none is recorded or the role does not see identity fields') })
  .meta({ id: 'QueuedObligation' });
export type QueuedObligation = z.infer<typeof queuedObligationSchema>;

/**
 * Whether a supervisor may waive it: an open obligation with a deadline. A standing one
 * (non-refoulement, confidentiality, non-criminalisation: no deadline) holds as long as its facts
 * do and is never waived; the server refuses (`standing-protection`) and no screen offers it.
 */
export function mayBeWaived(obligation: Pick<ObligationView, 'status' | 'dueBy'>): boolean {
  return obligation.dueBy !== null && (obligation.status === 'open' || obligation.status === 'overdue');
}

export const guardSchema = z.object({ allowed: z.boolean(), blockedBy: z.array(z.string()) });
export const guardsSchema = z.object(Object.fromEntries(GUARDED_ACTIONS.map((a) => [a, guardSchema]))).meta({ id: 'Guards' });
/** Each guarded action: whether the engine allows it now, and the obligations that block it. */
export type Guards = Record<GuardedAction, z.infer<typeof guardSchema>>;

/**
 * A notice to a user, built for the reader when read: what it is about as far as they may see it
 * (the person by name only while the reader sees the person's identity, else the agency whose case
 * it is; the obligation by its code, which the app shows by its title; the due time), and the
 * screen where the work is done. Repeats of the same event while unread are one notice with a count.
 */
export const notificationViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    obligationId: z.string().nullable(),
    personId: z.string().nullable(),
    referralId: z.string().nullable(),
    createdAt: z.string(),
    /** When the event last happened (the latest of its repeats). */
    lastAt: z.string(),
    /** How many times the event happened while unread. */
    count: z.number().int().min(1),
    readAt: z.string().nullable(),
    /** The person: the name while the reader may see their identity, else null and the case's agency. */
    person: z.object({ name: z.string().nullable(), caseAgency: z.string().nullable() }).nullable(),
    obligation: z.object({ code: z.string(), dueBy: z.string().nullable(), status: z.string() }).nullable(),
    referral: z.object({ reference: z.string(), service: z.enum(SERVICE_TYPES) }).nullable(),
    /** The app's route where the work is done (case page, referral, encounter), or null when the reader has none. */
    link: z.string().nullable(),
  })
  .meta({ id: 'Notification' });
export type NotificationView = z.infer<typeof notificationViewSchema>;

/** How many of my notifications are unread: what the header shows, naming no one. */
export const unreadNotificationsSchema = z.object({ unread: z.number().int().min(0) }).meta({ id: 'UnreadNotifications' });

/** A guarded action taken: refused, it is a 409 instead. */
export const guardedActionResultSchema = z.object({ id: z.uuid(), action: z.enum(GUARDED_ACTIONS), overridden: z.boolean(), blockedBy: z.array(z.string()) });
export type GuardedActionResult = z.infer<typeof guardedActionResultSchema>;

export const assessmentViewSchema = z
  .object({
    flags: z.array(z.string()),
    obligations: z.array(z.object({ code: z.string(), status: z.string(), basis: z.array(z.string()).readonly(), dueBy: z.string().nullable(), fulfilledBy: z.unknown() })),
    referrals: z.array(z.object({ service: z.enum(SERVICE_TYPES), obligations: z.array(z.string()), dueBy: z.string().nullable() })),
    guards: guardsSchema,
  })
  .meta({ id: 'Assessment' });
export type AssessmentView = z.infer<typeof assessmentViewSchema>;

/** A case of the agency where a guarded action is blocked, with the obligations blocking it. */
export const openGuardSchema = z.object({ personId: z.uuid(), personName: z.string().nullable(), blockingObligations: z.array(z.string()) });
export type OpenGuard = z.infer<typeof openGuardSchema>;
