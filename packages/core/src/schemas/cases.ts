import { z } from 'zod';
import { CASE_STAGES, ENCOUNTER_TYPES } from '../codes.js';
import { pageSchema } from './common.js';
import { TRIAGE_CATEGORIES } from './encounters.js';

// What the case routes answer.

export const caseViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    agencyId: z.uuid(),
    officerId: z.string().nullable(),
    stage: z.enum(CASE_STAGES),
    stageReason: z.string().nullable(),
    riskLevel: z.string().nullable(),
    consular: z.string(),
    asylumClaim: z.string(),
    bestInterestsDetermined: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Case' });
export type CaseView = z.infer<typeof caseViewSchema>;

export const detentionViewSchema = z
  .object({ id: z.uuid(), place: z.string(), since: z.string(), until: z.string().nullable(), legalBasis: z.string(), version: z.number().int() })
  .meta({ id: 'Detention' });
export type DetentionView = z.infer<typeof detentionViewSchema>;

/**
 * What the case page shows of detention and consular rights: the detentions (current first), each
 * time consular rights were explained (when, in which language, by whom: a name), the notifications
 * sent to the consular post, and the profile's mandatory-notification rule (the nationalities whose
 * post is notified of a detention even unasked, never while confidentiality stands).
 */
export const consularRecordSchema = z
  .object({
    detentions: z.array(detentionViewSchema.extend({ recordedBy: z.string().nullable().describe('Who recorded it, by name') })),
    rightsExplained: z.array(z.object({ at: z.string(), language: z.string().nullable(), by: z.string().nullable().describe('Who explained them, by name') })),
    notifications: z.array(z.object({ id: z.uuid(), post: z.string(), sentAt: z.string(), channel: z.string(), by: z.string().nullable().describe('Who recorded it, by name') })),
    profile: z.object({ name: z.string(), mandatoryNotification: z.array(z.string()).describe("Nationalities (ISO 3166-1 alpha-2) on the profile's mandatory-notification list") }),
  })
  .meta({ id: 'ConsularRecord' });
export type ConsularRecord = z.infer<typeof consularRecordSchema>;

export const caseListPersonSchema = z
  .object({
    givenName: z.string(),
    familyName: z.string(),
    sex: z.string(),
    birthDate: z.string(),
    ageClaimed: z.number(),
    ageDisputed: z.boolean(),
    nationality: z.string(),
    accompaniment: z.string(),
  })
  .partial()
  .describe('Who the person is at a glance (identity fields, when the role may see them)');
export type CaseListPerson = z.infer<typeof caseListPersonSchema>;

export const obligationSummarySchema = z.object({
  open: z.number().int().describe('Open obligations with a deadline, overdue ones included'),
  overdue: z.number().int().describe('Open obligations past their deadline'),
  nextDueBy: z.string().nullable(),
  nextCode: z.string().nullable().describe('The obligation due first'),
  standing: z.array(z.string()).describe('Standing obligations in force (they hold back guarded actions)'),
});
export type ObligationSummary = z.infer<typeof obligationSummarySchema>;

export const caseListItemSchema = z
  .object({
    caseId: z.uuid(),
    personId: z.uuid(),
    stage: z.enum(CASE_STAGES),
    officerId: z.string().nullable(),
    officerName: z.string().nullable().describe('Display name of the assigned officer'),
    riskLevel: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    person: caseListPersonSchema,
    obligations: obligationSummarySchema,
  })
  .meta({ id: 'CaseListItem' });
export type CaseListItem = z.infer<typeof caseListItemSchema>;

export const caseListPageSchema = pageSchema(caseListItemSchema);
export type CaseListPage = z.infer<typeof caseListPageSchema>;

/** A case waiting in the agency's intake queue: nobody's yet. */
export const intakeItemSchema = z
  .object({
    caseId: z.uuid(),
    personId: z.uuid(),
    caseVersion: z.number().int().describe('The version to send when assigning it'),
    stage: z.enum(CASE_STAGES),
    arrivedAt: z.string().describe('When the person was met (the encounter), else when they were registered'),
    person: caseListPersonSchema,
    encounter: z.object({ type: z.enum(ENCOUNTER_TYPES), place: z.string(), occurredAt: z.string() }).nullable(),
    triage: z.array(z.enum(TRIAGE_CATEGORIES)).min(1).describe('Every triage category that applies, most urgent first (other when none does)'),
    obligations: obligationSummarySchema,
    takeUpBy: z.string().nullable().describe('A case handed over by a profile rule: when the agency must take it up (the handover time itself for those taken up at once); null for a case the agency registered itself'),
  })
  .meta({ id: 'IntakeItem' });
export type IntakeItem = z.infer<typeof intakeItemSchema>;

/** A user of the agency a case may be assigned to, with the open cases they carry. */
export const assignableOfficerSchema = z
  .object({ id: z.uuid(), displayName: z.string(), role: z.enum(['protection_officer', 'supervisor']), openCases: z.number().int() })
  .meta({ id: 'AssignableOfficer' });
export type AssignableOfficer = z.infer<typeof assignableOfficerSchema>;
/** What happened to a case, in order: who registered it, handovers, take-up, changes (names, not ids). */
export const CASE_HISTORY_KINDS = ['registered', 'handed_over', 'taken_up', 'screened', 'case_changed'] as const;
export type CaseHistoryKind = (typeof CASE_HISTORY_KINDS)[number];

export const caseHistoryEntrySchema = z
  .object({
    at: z.string(),
    kind: z.enum(CASE_HISTORY_KINDS),
    /** The agency that acted (registered, handed over, took up, changed), by name. */
    agency: z.string().nullable(),
    /** The user who acted, by display name; null when a rule acted (a handover). */
    user: z.string().nullable(),
    /** A handover: the agency that took the case over, by name. */
    toAgency: z.string().optional(),
    /** A handover: the index of the profile's rule that applied. */
    rule: z.number().int().optional(),
    /** A handover: when the receiving agency must take the case up. */
    takeUpBy: z.string().optional(),
    /** A handover: when the first-contact agency's access ends. */
    accessUntil: z.string().optional(),
    /** A take-up: whether it was by the deadline. */
    onTime: z.boolean().optional(),
    /** A change to the case: which of its fields changed (stage, officerId, riskLevel…), never their values. */
    fields: z.array(z.string()).optional(),
  })
  .meta({ id: 'CaseHistoryEntry' });
export type CaseHistoryEntry = z.infer<typeof caseHistoryEntrySchema>;
