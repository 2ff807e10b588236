import { z } from 'zod';
import { RETENTION_RECORD_TYPES } from '../engine/profiles.js';

// What the retention routes answer: erasure requests, legal holds and the retention run.

export const ERASURE_REQUESTERS = ['person', 'legal_representative', 'guardian'] as const;
export type ErasureRequester = (typeof ERASURE_REQUESTERS)[number];

export const erasureRequestViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    requestedBy: z.enum(ERASURE_REQUESTERS),
    reason: z.string().nullable().describe('Why, as recorded; destroyed with the rest when the request is carried out'),
    recordedBy: z.uuid(),
    recordedAt: z.string(),
    status: z.enum(['carried_out', 'refused']),
    refusedBecause: z.array(z.string()).describe('Each hold that refused it, in plain words (no personal data); empty when carried out'),
    carriedOutAt: z.string().nullable(),
  })
  .meta({ id: 'ErasureRequest' });
export type ErasureRequestView = z.infer<typeof erasureRequestViewSchema>;

const legalHoldFields = {
  id: z.uuid(),
  personId: z.uuid(),
  agencyId: z.uuid().describe('The agency that placed it'),
  agencyName: z.string(),
  investigationId: z.uuid().nullable().describe('The investigation or prosecution it was placed for, if any'),
  investigationReference: z.string().nullable(),
  releasableBy: z
    .object({ agencyId: z.uuid(), agencyName: z.string() })
    .describe("Who may release it besides the oversight body: the investigation's agency for a hold placed for one, else the agency that placed it"),
  placedBy: z.uuid(),
  placedAt: z.string(),
  releasedBy: z.uuid().nullable(),
  releasedAt: z.string().nullable(),
  version: z.number().int(),
};

/** A hold as the oversight body sees it: who placed it, for what investigation, who may release it — no free text. */
export const legalHoldOverviewSchema = z.object(legalHoldFields).meta({ id: 'LegalHoldOverview' });
export type LegalHoldOverview = z.infer<typeof legalHoldOverviewSchema>;

/** A hold as the agencies that see the person see it: with why it was placed and why it was released. */
export const legalHoldViewSchema = z
  .object({
    ...legalHoldFields,
    reason: z.string().nullable().describe('Why it was placed; null once the person\'s data is destroyed'),
    releaseReason: z.string().nullable().describe('Why it was released; null while it stands'),
  })
  .meta({ id: 'LegalHold' });
export type LegalHoldView = z.infer<typeof legalHoldViewSchema>;

export const retentionReportSchema = z
  .object({
    dryRun: z.boolean(),
    at: z.string(),
    types: z.record(
      z.enum(RETENTION_RECORD_TYPES),
      z.object({
        period: z.string().describe('ISO 8601 duration from the SOP profile'),
        cutoff: z.string().describe('Records closed before this instant are due'),
        due: z.number().int(),
        purged: z.number().int(),
        held: z.number().int().describe('Due but kept by a hold'),
      }),
    ),
    compacted: z.object({ vacuumed: z.boolean(), walTruncated: z.boolean().nullable() }).nullable(),
  })
  .meta({ id: 'RetentionReport' });
export type RetentionReport = z.infer<typeof retentionReportSchema>;

const standingHoldsSchema = z
  .array(z.string())
  .describe('Every hold standing now: recorded holds, open or suspended investigations where the person is a victim or witness, allegations not closed');

/** A person's erasure requests, with the holds standing now. */
export const erasureRequestsSchema = z
  .object({ personId: z.uuid(), purgedAt: z.string().nullable(), standingHolds: standingHoldsSchema, requests: z.array(erasureRequestViewSchema) })
  .meta({ id: 'ErasureRequests' });
export type ErasureRequests = z.infer<typeof erasureRequestsSchema>;

/** A person's legal holds, with every hold standing now. */
export const legalHoldsSchema = z
  .object({ personId: z.uuid(), purgedAt: z.string().nullable(), standingHolds: standingHoldsSchema, holds: z.array(legalHoldViewSchema) })
  .meta({ id: 'LegalHolds' });
export type LegalHolds = z.infer<typeof legalHoldsSchema>;

/** The jurisdiction's retention periods and what is due now. */
export const retentionPolicySchema = z
  .object({
    profile: z.string(),
    periods: z.array(z.object({ recordType: z.enum(RETENTION_RECORD_TYPES), period: z.string(), countedFrom: z.string() })),
    due: retentionReportSchema,
    standingHolds: z.number().int().describe('Legal holds recorded and not released, in every agency (investigations and allegations hold too, counted in `due.types.*.held` when due)'),
    erasureRequests: z.object({ carriedOut: z.number().int(), refused: z.number().int() }).describe('Erasure requests recorded so far, by decision'),
    lastPurgedAt: z.string().nullable().describe('When a person\'s personal data was last destroyed, by the retention run or an erasure request'),
  })
  .meta({ id: 'RetentionPolicy' });
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;
