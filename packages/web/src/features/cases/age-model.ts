import type { AgeAssessmentView, AgeChallengeView, PersonFields } from '@haven/core/schemas';
import { ageDetermination } from './codes';

/** Which age the engine uses, as a sentence of the case page (`cases.age.used.<key>`) and its values. */
export interface AgeUsed {
  key: 'pending' | 'pendingAdult' | 'assessment' | 'claimedAccepted' | 'newRange' | 'noneDisputed' | 'birthDate' | 'claimed' | 'unknown';
  age?: number;
  /** The review or appeal the sentence names. */
  challenge?: AgeChallengeView;
}

/**
 * The age the engine reads, and why, from the person's assessments (oldest first) as the server
 * settles the facts: the latest assessment as decided so far; while a review or appeal of it is
 * pending the determination is not final and a claimed minor keeps the benefit of the doubt.
 */
export function ageUsed(assessments: readonly AgeAssessmentView[], fields: Pick<PersonFields, 'ageClaimed' | 'ageDisputed' | 'birthDate'> | undefined): AgeUsed {
  const claimed = fields?.ageClaimed ?? undefined;
  const latest = assessments.at(-1);
  const determination = ageDetermination(latest, claimed);
  const pending = latest?.challenges.find((c) => c.outcome === null);
  const decided = latest?.challenges.filter((c) => c.outcome !== null).at(-1);
  if (determination.state === 'pending') {
    return claimed !== undefined && claimed < 18 ? { key: 'pending', age: claimed, ...(pending ? { challenge: pending } : {}) } : { key: 'pendingAdult', ...(pending ? { challenge: pending } : {}) };
  }
  if (determination.state === 'final') {
    const age = determination.age!;
    if (determination.source === 'claimed_age') return { key: 'claimedAccepted', age, ...(decided ? { challenge: decided } : {}) };
    if (determination.source === 'new_range') return { key: 'newRange', age, ...(decided ? { challenge: decided } : {}) };
    return { key: 'assessment', age };
  }
  if (fields?.ageDisputed && claimed !== undefined && claimed < 18) return { key: 'noneDisputed', age: claimed };
  if (fields?.birthDate) return { key: 'birthDate' };
  if (claimed !== undefined) return { key: 'claimed', age: claimed };
  return { key: 'unknown' };
}

/** The challenge of the latest assessment still waiting for its decision, if any. */
export function pendingChallenge(assessments: readonly AgeAssessmentView[]): AgeChallengeView | undefined {
  return assessments.at(-1)?.challenges.find((c) => c.outcome === null);
}
