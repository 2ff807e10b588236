import { z } from 'zod';
import {
  ASSISTANCE_TYPES,
  ASYLUM_CLAIM_STATES,
  CASE_STAGES,
  CONSULAR_CHOICES,
  ENCOUNTER_TYPES,
  GUARDED_ACTIONS,
} from '../codes.js';
import { calendarDateSchema, countryCodeSchema, idSchema, instantSchema, languageCodeSchema, textSchema, versionSchema } from './common.js';
import { observedIndicatorSchema, registrationPersonSchema } from './person.js';

/** Most persons one mass-registration request may add. */
export const MAX_REGISTRATION_BATCH = 1000;

export const encounterInputSchema = z.strictObject({
  type: z.enum(ENCOUNTER_TYPES),
  occurredAt: instantSchema,
  place: z.strictObject({
    name: textSchema(200),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  }),
  vessel: textSchema(200).optional(),
  /** The area it took place in, as the agencies' areas are named; absent: the registering agency's area. Handover rules match it. */
  area: textSchema(200).optional(),
  peopleOnBoard: z.number().int().min(0).max(100_000).optional(),
  dead: z.number().int().min(0).max(100_000).default(0),
  missing: z.number().int().min(0).max(100_000).default(0),
  notes: textSchema(10_000).optional(),
});
export type EncounterInput = z.infer<typeof encounterInputSchema>;

export const massRegistrationSchema = z.strictObject({
  persons: z.array(registrationPersonSchema).min(1).max(MAX_REGISTRATION_BATCH),
});

export const screeningInputSchema = z.strictObject({
  indicators: z.array(observedIndicatorSchema).max(40),
  /** The person's own words, as they said them. */
  statement: textSchema(20_000).optional(),
  statementLanguage: languageCodeSchema.optional(),
  screenedAt: instantSchema.optional(),
});

export const AGE_ASSESSMENT_METHODS = ['interview', 'documents', 'multidisciplinary', 'medical'] as const;
export const ageAssessmentInputSchema = z
  .strictObject({
    method: z.enum(AGE_ASSESSMENT_METHODS),
    assessedOn: calendarDateSchema,
    minAge: z.number().int().min(0).max(130),
    maxAge: z.number().int().min(0).max(130),
    /** Who assessed (name and role of the assessor). */
    assessor: textSchema(200),
  })
  .refine((a) => a.maxAge >= a.minAge, { path: ['maxAge'], message: 'must be at least minAge' });

export const FAMILY_RELATIONS = ['parent', 'child', 'sibling', 'spouse', 'travelling_with'] as const;
export const familyLinkInputSchema = z.strictObject({ relatedPersonId: idSchema, relation: z.enum(FAMILY_RELATIONS) });

export const DOCUMENT_TYPES = ['passport', 'national_id', 'birth_certificate', 'travel_document', 'residence_permit', 'other'] as const;
export const identityDocumentInputSchema = z.strictObject({
  type: z.enum(DOCUMENT_TYPES),
  number: textSchema(100).optional(),
  issuingCountry: countryCodeSchema.optional(),
  expiresOn: calendarDateSchema.optional(),
});

export const detentionInputSchema = z
  .strictObject({
    place: textSchema(200),
    since: instantSchema,
    until: instantSchema.optional(),
    legalBasis: textSchema(500),
  })
  .refine((d) => d.until === undefined || Date.parse(d.until) >= Date.parse(d.since), { path: ['until'], message: 'must not be before since' });

export const detentionEndSchema = z.strictObject({ version: versionSchema, until: instantSchema });

export const consularRightsSchema = z.strictObject({
  /** When the person was informed of their consular rights, in which language, and their choice. */
  informedAt: instantSchema,
  language: languageCodeSchema,
  choice: z.enum(['requested', 'declined']),
});

export const consularNotificationSchema = z.strictObject({
  post: textSchema(200),
  sentAt: instantSchema,
  channel: z.enum(['email', 'fax', 'phone', 'letter', 'in_person', 'other']),
});

export const assistanceInputSchema = z.strictObject({
  type: z.enum(ASSISTANCE_TYPES),
  givenAt: instantSchema,
  place: textSchema(200).optional(),
  /** For information on rights and interpretation: the language used. */
  language: languageCodeSchema.optional(),
  notes: textSchema(2000).optional(),
});

export const caseChangeSchema = z.strictObject({
  version: versionSchema,
  stage: z.enum(CASE_STAGES).optional(),
  /** Required when closing or reopening a case. */
  reason: textSchema(2000).optional(),
  officerId: idSchema.nullable().optional(),
  riskLevel: z.enum(['low', 'medium', 'high']).nullable().optional(),
  consular: z.enum(CONSULAR_CHOICES).optional(),
  asylumClaim: z.enum(ASYLUM_CLAIM_STATES).optional(),
  bestInterestsDetermined: z.boolean().optional(),
});

/** A supervisor's assignment of several cases to one officer: all of them, or none. */
export const caseAssignmentsSchema = z.strictObject({
  officerId: idSchema.describe('An active protection officer or supervisor of the agency working on the cases'),
  cases: z
    .array(z.strictObject({ caseId: idSchema, version: versionSchema }))
    .min(1)
    .max(200)
    .refine((cases) => new Set(cases.map((c) => c.caseId)).size === cases.length, 'names a case twice'),
});

export const waiverSchema = z.strictObject({ version: versionSchema, reason: textSchema(2000).refine((r) => r.length >= 10, 'must explain why, in at least 10 characters') });

export const guardedActionSchema = z.enum(GUARDED_ACTIONS);
export const guardedActionRequestSchema = z.strictObject({
  /** What is done, in words (e.g. the return decision reference, the data shared). */
  details: textSchema(2000).optional(),
  /** A supervisor's written reason to override a refusal; stored, audited and sent to oversight. */
  overrideReason: textSchema(2000).refine((r) => r.length >= 10, 'must explain why, in at least 10 characters').optional(),
  /** For `detain`: where, since when, on what legal basis. */
  detention: z.strictObject({ place: textSchema(200), since: instantSchema, legalBasis: textSchema(500) }).optional(),
  /**
   * For overriding the refusal to detain a child, which the law allows only as a measure of last
   * resort and for the shortest appropriate time (CRC 37(b)): the alternatives to detention that
   * were considered and why none serves, and when the detention is planned to end (after its
   * start, and no later than children.no_detention's deadline, which keeps running).
   */
  lastResort: z
    .strictObject({
      alternativesConsidered: textSchema(2000).refine((r) => r.length >= 10, 'must say which alternatives to detention were considered and why none serves, in at least 10 characters'),
      plannedEnd: instantSchema,
    })
    .optional(),
});
export type GuardedActionRequest = z.infer<typeof guardedActionRequestSchema>;

// What the screening and assistance routes answer.

export const screeningViewSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    indicators: z.array(z.string()),
    statement: z.string().nullable().optional(),
    statementLanguage: z.string().nullable(),
    screenedBy: z.string(),
    screenedAt: z.string(),
  })
  .meta({ id: 'Screening' });
/** `statement`, the person's own words, is present only for those who may read statements. */
export type ScreeningView = z.infer<typeof screeningViewSchema>;

export const assistanceViewSchema = z
  .object({
    id: z.uuid(),
    type: z.string(),
    givenAt: z.string(),
    givenBy: z.string(),
    place: z.string().nullable(),
    language: z.string().nullable(),
    notes: z.string().nullable(),
    encounterId: z.string().nullable(),
  })
  .meta({ id: 'Assistance' });
export type AssistanceView = z.infer<typeof assistanceViewSchema>;
