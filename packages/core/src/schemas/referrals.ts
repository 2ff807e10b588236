import { z } from 'zod';
import { FIELD_GROUPS, REFERRAL_STATUSES, SERVICE_TYPES, type FieldGroup, type ServiceType } from '../codes.js';
import { idSchema, instantSchema, languageCodeSchema, textSchema, versionSchema } from './common.js';

// The referral mechanism: the service directory, consent per purpose and recipient, and
// referrals with the field groups they share. Shared by the server (validation + OpenAPI) and the web app.

export const serviceTypeSchema = z.enum(SERVICE_TYPES);
export const fieldGroupSchema = z.enum(FIELD_GROUPS);

/** Every status a referral can have, `revoked` (ended by the sender's supervisor) included. */
export const REFERRAL_LIFECYCLE_STATUSES = REFERRAL_STATUSES;
export type ReferralLifecycleStatus = (typeof REFERRAL_LIFECYCLE_STATUSES)[number];

export const REFERRAL_URGENCIES = ['emergency', 'urgent', 'routine'] as const;
export type ReferralUrgency = (typeof REFERRAL_URGENCIES)[number];

/**
 * What a referral shares unless the sender chooses otherwise: the fields that service needs
 * (DOMAIN.md section 10, data minimisation). Identity always, so the provider knows whom it serves.
 */
export const DEFAULT_SHARED_GROUPS: Readonly<Record<ServiceType, readonly FieldGroup[]>> = {
  emergency_medical: ['identity', 'health'],
  health: ['identity', 'health'],
  maternal_health: ['identity', 'health'],
  mhpss: ['identity', 'health'],
  shelter: ['identity', 'contact'],
  legal_aid: ['identity', 'protection', 'statements'],
  asylum: ['identity', 'protection', 'statements'],
  anti_trafficking: ['identity', 'contact', 'protection', 'statements'],
  child_protection: ['identity', 'contact', 'protection'],
  guardianship: ['identity', 'contact', 'protection'],
  gbv_services: ['identity', 'health', 'protection'],
  victim_support: ['identity', 'contact', 'protection'],
  witness_protection: ['identity', 'contact', 'justice'],
  family_tracing: ['identity', 'contact'],
  consular: ['identity'],
  interpretation: ['identity'],
  disability_support: ['identity', 'health'],
  voluntary_return: ['identity'],
};

/** A supervisor's written reason for an override (a guard, or sharing without consent for vital interests). */
export const overrideReasonSchema = textSchema(2000).refine((r) => r.length >= 10, 'must explain why, in at least 10 characters');

const distinct = <T>(items: readonly T[]) => new Set(items).size === items.length;

// ---- the service directory --------------------------------------------------------------------

const providerShape = {
  /** The agency that runs the service (and receives its referrals). */
  agencyId: idSchema,
  name: textSchema(200),
  serviceTypes: z.array(serviceTypeSchema).min(1).max(SERVICE_TYPES.length).refine(distinct, 'must not repeat a service type'),
  area: textSchema(200),
  languages: z.array(languageCodeSchema).max(40).refine(distinct, 'must not repeat a language'),
  capacity: z.number().int().min(0).max(100_000).nullable().optional(),
  /** Free places now. */
  available: z.number().int().min(0).max(100_000).nullable().optional(),
  hours: textSchema(500).nullable().optional(),
  /** The provider's office contact, never a migrant's. */
  contact: textSchema(500).nullable().optional(),
  /** Agencies that may refer to this provider; null means any agency. */
  acceptsFrom: z.array(idSchema).max(500).refine(distinct, 'must not repeat an agency').nullable().optional(),
};

export const providerInputSchema = z.strictObject(providerShape);
export type ProviderInput = z.infer<typeof providerInputSchema>;

/** The agency is fixed: its referrals and access grants name it. A provider moving agency is a new provider. */
const { agencyId: _fixed, ...changeableProviderShape } = providerShape;
export const providerPatchSchema = z.strictObject({ ...changeableProviderShape, version: versionSchema }).partial().required({ version: true });
export type ProviderPatch = z.infer<typeof providerPatchSchema>;

/** What a provider's own staff keep current: free places. */
export const providerAvailabilitySchema = z.strictObject({ version: versionSchema, available: z.number().int().min(0).max(100_000) });

export const pathwayInputSchema = z.strictObject({ serviceType: serviceTypeSchema, area: textSchema(200), providerId: idSchema });
export const pathwayPatchSchema = z.strictObject({ version: versionSchema, providerId: idSchema });

export const proposalQuerySchema = z.strictObject({
  personId: idSchema,
  service: serviceTypeSchema,
  /** Defaults to the area of the caller's agency. */
  area: textSchema(200).optional(),
});

// ---- consent ----------------------------------------------------------------------------------

export const CONSENT_DECISIONS = ['given', 'declined'] as const;

export const consentInputSchema = z.strictObject({
  /** The agency the data would go to. */
  recipientAgencyId: idSchema,
  /** The purpose: the service the person is referred to. */
  purpose: serviceTypeSchema,
  status: z.enum(CONSENT_DECISIONS),
  /** The language the consent was explained in. */
  language: languageCodeSchema,
  interpreter: z.boolean(),
});
export type ConsentInput = z.infer<typeof consentInputSchema>;

export const consentWithdrawalSchema = z.strictObject({ version: versionSchema });

// ---- referrals --------------------------------------------------------------------------------

export const referralInputSchema = z.strictObject({
  personId: idSchema,
  providerId: idSchema,
  service: serviceTypeSchema,
  urgency: z.enum(REFERRAL_URGENCIES).default('routine'),
  /** Obligation codes the referral fulfils; by default every open obligation of the person this service fulfils. */
  obligations: z.array(z.string().min(1).max(100)).max(30).refine(distinct, 'must not repeat an obligation').optional(),
  /** Defaults to the earliest dueBy of those obligations. */
  dueBy: instantSchema.optional(),
  /** Why the person is referred, for the provider. */
  reason: textSchema(4000).optional(),
  /** Field groups shared with the provider; by default those the service needs (DEFAULT_SHARED_GROUPS). */
  sharedGroups: z.array(fieldGroupSchema).min(1).max(FIELD_GROUPS.length).refine(distinct, 'must not repeat a field group').optional(),
  /** The person's consent for this recipient and purpose (it may also be given when sending). */
  consentId: idSchema.optional(),
});
export type ReferralInput = z.infer<typeof referralInputSchema>;

export const referralSendSchema = z.strictObject({
  version: versionSchema,
  /** The consent to rely on; by default the latest decision recorded for this recipient and purpose. */
  consentId: idSchema.optional(),
  /** A supervisor sends without consent: emergency medical care, or a child in danger. */
  vitalInterestReason: overrideReasonSchema.optional(),
  /** A supervisor overrides a guard (consular: share_with_origin_state; voluntary_return: return). */
  overrideReason: overrideReasonSchema.optional(),
});
export type ReferralSend = z.infer<typeof referralSendSchema>;

export const referralTransitionSchema = z.strictObject({ version: versionSchema });
export const referralDeclineSchema = z.strictObject({ version: versionSchema, reason: textSchema(2000) });
export const referralCompletionSchema = z.strictObject({
  version: versionSchema,
  /** The service delivered, in words. */
  feedback: textSchema(4000),
});

export const inboxQuerySchema = z.strictObject({
  status: z.enum(['sent', 'accepted', 'in_progress', 'completed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

// What the directory and the referral routes answer.

/** What a caller may do to a referral, each allowed from some statuses to some sides. */
export const REFERRAL_ACTIONS = ['send', 'accept', 'decline', 'start', 'complete', 'close', 'revoke'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

export const providerViewSchema = z
  .object({
    id: z.uuid(),
    agencyId: z.uuid(),
    name: z.string(),
    serviceTypes: z.array(z.enum(SERVICE_TYPES)),
    area: z.string(),
    languages: z.array(z.string()),
    capacity: z.number().int().nullable(),
    available: z.number().int().nullable().describe('Free places now'),
    hours: z.string().nullable(),
    contact: z.string().nullable().describe("The provider's office contact"),
    acceptsFrom: z.array(z.uuid()).nullable().describe('Agencies that may refer to this provider; null: any agency'),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ServiceProvider' });
export type ProviderView = z.infer<typeof providerViewSchema>;

export const pathwayViewSchema = z
  .object({ id: z.uuid(), serviceType: z.enum(SERVICE_TYPES), area: z.string(), providerId: z.uuid(), version: z.number().int(), updatedAt: z.string() })
  .meta({ id: 'ReferralPathway' });
export type PathwayView = z.infer<typeof pathwayViewSchema>;

export const referralViewSchema = z
  .object({
    id: z.uuid(),
    reference: z.string().describe('HVN-<year>-<number>, unique'),
    personId: z.uuid(),
    fromAgencyId: z.uuid(),
    senderId: z.uuid(),
    providerId: z.uuid(),
    toAgencyId: z.uuid(),
    service: z.enum(SERVICE_TYPES),
    urgency: z.string(),
    obligations: z.array(z.string()).describe('Obligation codes the referral fulfils'),
    dueBy: z.string().nullable(),
    status: z.enum(REFERRAL_LIFECYCLE_STATUSES),
    consentId: z.uuid().nullable(),
    vitalInterest: z.object({ by: z.uuid(), reason: z.string().nullable() }).nullable().describe("Sent without consent on a supervisor's vital-interest override"),
    sharedGroups: z.array(z.enum(FIELD_GROUPS)).describe('Field groups of the person the recipient may read while the referral lasts'),
    reason: z.string().nullable(),
    declineReason: z.string().nullable(),
    feedback: z.string().nullable().describe('The service delivered'),
    sentAt: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    allowedActions: z.array(z.enum(REFERRAL_ACTIONS)).describe('What the caller may do next'),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Referral' });
export type ReferralView = z.infer<typeof referralViewSchema>;

export const consentViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    purpose: z.enum(SERVICE_TYPES),
    recipientAgencyId: z.uuid(),
    status: z.enum(['given', 'declined', 'withdrawn']),
    explainedBy: z.uuid(),
    language: z.string(),
    interpreter: z.boolean(),
    recordedAt: z.string(),
    withdrawnAt: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Consent' });
export type ConsentView = z.infer<typeof consentViewSchema>;

export const referralProposalSchema = z
  .object({
    personId: z.uuid(),
    service: z.enum(SERVICE_TYPES),
    area: z.string(),
    pathwayId: z.uuid().nullable(),
    provider: providerViewSchema.nullable(),
    problem: z.string().nullable().describe('Why no default provider can be proposed'),
    obligations: z.array(z.string()),
    dueBy: z.string().nullable(),
    sharedGroups: z.array(z.enum(FIELD_GROUPS)),
    consentId: z.uuid().nullable(),
  })
  .meta({ id: 'ReferralProposal' });
export type ReferralProposal = z.infer<typeof referralProposalSchema>;

// ---- service gaps: no provider for a service a person needs in an area ----------------------------

/**
 * The officer's record that no provider offers a service the person needs in an area. It does not
 * discharge the obligation that calls for the service (the State still owes it): it says why it
 * stays open, to the supervisor, the coordinator (counted in the statistics) and the oversight body.
 */
export const serviceGapInputSchema = z.strictObject({
  personId: idSchema,
  serviceType: serviceTypeSchema,
  area: textSchema(200),
  note: textSchema(2000).optional().describe('What was tried, what the person needs meanwhile'),
});
export type ServiceGapInput = z.infer<typeof serviceGapInputSchema>;

export const serviceGapViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    /** The person's name while the reader sees their identity, else null. */
    personName: z.string().nullable(),
    serviceType: serviceTypeSchema,
    area: z.string(),
    note: z.string().nullable(),
    agencyId: z.uuid(),
    recordedBy: z.string().describe('The display name of the officer who recorded it'),
    recordedAt: z.string(),
    /** The person's open obligations that call for the service: still open, the gap explains why. */
    openObligations: z.array(z.string()),
  })
  .meta({ id: 'ServiceGap' });
export type ServiceGapView = z.infer<typeof serviceGapViewSchema>;

export const serviceGapQuerySchema = z.strictObject({
  personId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
