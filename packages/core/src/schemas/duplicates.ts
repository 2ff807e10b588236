import { z } from 'zod';
import { matchReasonSchema } from '../matching/reasons.js';

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

/** Likely duplicates of a person, best first. */
export const likelyDuplicatesSchema = z.object({ items: z.array(likelyDuplicateSchema) });
export type LikelyDuplicates = z.infer<typeof likelyDuplicatesSchema>;
