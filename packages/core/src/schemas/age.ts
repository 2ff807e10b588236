import { z } from 'zod';
import { calendarDateSchema, textSchema, versionSchema } from './common.js';

// An age assessment can be contested (DOMAIN.md §4): a review or an appeal, lodged by the person or
// on their behalf, later decided by a body. While a challenge is pending the determination is not
// final and the age stays disputed (benefit of the doubt, §9 rule 1); a decision makes it final.

export const AGE_CHALLENGE_KINDS = ['review', 'appeal'] as const;
export type AgeChallengeKind = (typeof AGE_CHALLENGE_KINDS)[number];
/** Who lodged it: the person, or who did on their behalf. */
export const AGE_CHALLENGE_PARTIES = ['person', 'guardian', 'legal_representative', 'ngo'] as const;
export type AgeChallengeParty = (typeof AGE_CHALLENGE_PARTIES)[number];
export const AGE_CHALLENGE_OUTCOMES = ['upheld', 'claimed_age_accepted', 'new_range'] as const;
export type AgeChallengeOutcome = (typeof AGE_CHALLENGE_OUTCOMES)[number];

export const ageChallengeInputSchema = z.strictObject({
  kind: z.enum(AGE_CHALLENGE_KINDS),
  lodgedOn: calendarDateSchema,
  lodgedBy: z.enum(AGE_CHALLENGE_PARTIES),
});
export type AgeChallengeInput = z.infer<typeof ageChallengeInputSchema>;

export const ageChallengeDecisionSchema = z
  .strictObject({
    version: versionSchema,
    outcome: z.enum(AGE_CHALLENGE_OUTCOMES),
    /** The new range: only with the outcome `new_range`, and then required. */
    minAge: z.number().int().min(0).max(130).optional(),
    maxAge: z.number().int().min(0).max(130).optional(),
    decidedOn: calendarDateSchema,
    /** The body that decided (review panel, court), by its name. */
    decidedBy: textSchema(200),
  })
  .refine((d) => d.outcome !== 'new_range' || d.minAge !== undefined, { path: ['minAge'], message: 'a new range needs its lower bound' })
  .refine((d) => d.outcome !== 'new_range' || d.maxAge !== undefined, { path: ['maxAge'], message: 'a new range needs its upper bound' })
  .refine((d) => d.outcome === 'new_range' || (d.minAge === undefined && d.maxAge === undefined), { path: ['minAge'], message: 'only a new range has bounds' })
  .refine((d) => d.minAge === undefined || d.maxAge === undefined || d.maxAge >= d.minAge, { path: ['maxAge'], message: 'must be at least minAge' });
export type AgeChallengeDecision = z.infer<typeof ageChallengeDecisionSchema>;

export const ageChallengeViewSchema = z
  .object({
    id: z.uuid(),
    assessmentId: z.uuid(),
    kind: z.enum(AGE_CHALLENGE_KINDS),
    lodgedOn: z.string(),
    lodgedBy: z.enum(AGE_CHALLENGE_PARTIES),
    /** Null while pending. */
    outcome: z.enum(AGE_CHALLENGE_OUTCOMES).nullable(),
    minAge: z.number().int().nullable(),
    maxAge: z.number().int().nullable(),
    decidedOn: z.string().nullable(),
    decidedBy: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'AgeChallenge' });
export type AgeChallengeView = z.infer<typeof ageChallengeViewSchema>;

/** What a determination reads of an assessment and its challenges (oldest challenge first). */
export interface AgeRecord {
  minAge: number;
  challenges: readonly { outcome: AgeChallengeOutcome | null; minAge: number | null }[];
}

export interface AgeDetermination {
  /** `none`: no assessment; `pending`: the latest assessment is contested and not decided; `final`. */
  state: 'none' | 'pending' | 'final';
  /** The age the assessment (as decided so far) gives; undefined without an assessment. */
  age: number | undefined;
  /** Where that age comes from. */
  source: 'assessment' | 'claimed_age' | 'new_range' | undefined;
}

/**
 * The determination of a person's age from their latest assessment and its challenges, in order:
 * a decision upholds it, accepts the claimed age, or sets a new range (its lower bound); a challenge
 * still pending leaves the determination not final, so the dispute stands (benefit of the doubt).
 */
export function ageDetermination(latest: AgeRecord | undefined, ageClaimed: number | null | undefined): AgeDetermination {
  if (!latest) return { state: 'none', age: undefined, source: undefined };
  let age = latest.minAge;
  let source: AgeDetermination['source'] = 'assessment';
  let pending = false;
  for (const c of latest.challenges) {
    if (c.outcome === null) pending = true;
    else if (c.outcome === 'claimed_age_accepted' && ageClaimed != null) [age, source] = [ageClaimed, 'claimed_age'];
    else if (c.outcome === 'new_range' && c.minAge !== null) [age, source] = [c.minAge, 'new_range'];
  }
  return { state: pending ? 'pending' : 'final', age, source };
}
