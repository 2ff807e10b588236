import { z } from 'zod';
import { matchReasonSchema } from '../matching/reasons.js';
import { textSchema, versionSchema } from './common.js';

// Identity matching: what the server answers about likely duplicates and merges, typed
// once for the server (validation, OpenAPI) and the web app.

/** One likely duplicate of a person, with what an officer checks before asking for a merge. */
export const likelyDuplicateSchema = z
  .object({
    personId: z.uuid(),
    score: z.number().min(0).max(1).describe('How likely the two records are one person'),
    reasons: z.array(z.string()).describe('Which names matched how, which dates, sex and nationality, in English'),
    explanations: z.array(matchReasonSchema).describe('The same reasons as data, one for each of `reasons`, in its order: to word them in the reader\'s language'),
  })
  .meta({ id: 'LikelyDuplicate' });
export type LikelyDuplicate = z.infer<typeof likelyDuplicateSchema>;

/** A merge of two person records (the merged one into the survivor), reversible while `unmergedAt` is null. */
export const personMergeSchema = z
  .object({
    id: z.uuid(),
    survivorId: z.uuid(),
    mergedId: z.uuid(),
    mergedAt: z.string(),
    unmergedAt: z.string().nullable(),
    moved: z.record(z.string(), z.number().int()).describe('Rows moved to the survivor, per table'),
  })
  .meta({ id: 'PersonMerge' });
export type PersonMerge = z.infer<typeof personMergeSchema>;

/** Where a merged-away person went (both null while the record stands on its own). */
export const mergedIntoSchema = z.object({ personId: z.uuid(), mergedInto: z.uuid().nullable(), mergeId: z.uuid().nullable() });
export type MergedInto = z.infer<typeof mergedIntoSchema>;

/**
 * A likely match of a person on record at an agency outside the caller's scope: that it exists,
 * the agency holding it, and an opaque reference to ask that agency to link or take over. Nothing
 * of the other record (no id, name, date, score or reason) is in it.
 */
export const likelyMatchElsewhereSchema = z
  .object({
    agencyId: z.uuid(),
    agencyName: z.string(),
    reference: z.string().describe('Opaque, for a link request about this person only; it expires'),
  })
  .meta({ id: 'LikelyMatchElsewhere' });
export type LikelyMatchElsewhere = z.infer<typeof likelyMatchElsewhereSchema>;

/** Likely duplicates of a person, best first, and the agencies outside my scope holding a likely match. */
export const likelyDuplicatesSchema = z.object({ items: z.array(likelyDuplicateSchema), elsewhere: z.array(likelyMatchElsewhereSchema) });
export type LikelyDuplicates = z.infer<typeof likelyDuplicatesSchema>;

/**
 * What one agency asks the agency holding a likely match: `link` (merge the two records, the
 * holding agency choosing which survives) or `take_over` (the holding agency takes the requester's
 * record: its case moves there, where the two can then be merged).
 */
export const LINK_REQUEST_KINDS = ['link', 'take_over'] as const;
export type LinkRequestKind = (typeof LINK_REQUEST_KINDS)[number];
export const LINK_REQUEST_STATUSES = ['pending', 'accepted', 'refused'] as const;

export const linkRequestInputSchema = z.strictObject({
  reference: z.string().min(1).max(2000).describe('The reference of a likely match elsewhere, as the duplicates answer gave it'),
  kind: z.enum(LINK_REQUEST_KINDS),
});

export const linkRequestAcceptSchema = z.strictObject({
  version: versionSchema,
  survivor: z.enum(['held', 'requested']).optional().describe('For a link: whose record survives the merge, ours (held, the default) or the requester\'s'),
});

export const linkRequestRefuseSchema = z.strictObject({ version: versionSchema, reason: textSchema(1000) });

const agencyRefSchema = z.object({ id: z.uuid(), name: z.string() });

/**
 * A link request as one side sees it: its own record only (id and, for a role reading identity,
 * name), the two agencies, and the decision. The other side's record is never named.
 */
export const linkRequestViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(LINK_REQUEST_KINDS),
    status: z.enum(LINK_REQUEST_STATUSES),
    side: z.enum(['requester', 'holder']).describe('Whether my agency asked or holds the likely match'),
    personId: z.uuid().describe("My agency's record"),
    personName: z.string().nullable().describe("My agency's record's name"),
    requesterAgency: agencyRefSchema,
    holderAgency: agencyRefSchema,
    requestedAt: z.string(),
    decidedAt: z.string().nullable(),
    refusalReason: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'LinkRequest' });
export type LinkRequestView = z.infer<typeof linkRequestViewSchema>;
export const linkRequestListSchema = z.object({ items: z.array(linkRequestViewSchema) });
export type LinkRequestList = z.infer<typeof linkRequestListSchema>;

/**
 * A search of persons by name within the caller's scope: found through the matcher's blocking keys
 * (names are encrypted at rest), so spellings and scripts of one name meet. The name needs two
 * words (a given and a family name, or two names), which is what the keys pair.
 */
export const personSearchQuerySchema = z.strictObject({
  name: textSchema(200).describe('The name searched for: at least two words, in any script'),
  limit: z.coerce.number().int().min(1).max(50).default(20).describe('At most this many persons, the likeliest first'),
});

/** A person found by name: who they are, enough to tell namesakes apart. */
export const personFoundSchema = z
  .object({
    personId: z.uuid(),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    nameScript: z.string().nullable(),
    sex: z.string().nullable(),
    birthYear: z.number().int().nullable(),
    score: z.number().min(0).max(1).describe('How closely the names agree with the name searched for'),
  })
  .meta({ id: 'PersonFound' });
export type PersonFound = z.infer<typeof personFoundSchema>;
export const personSearchSchema = z.object({ items: z.array(personFoundSchema) }).meta({ id: 'PersonSearch' });
export type PersonSearch = z.infer<typeof personSearchSchema>;
