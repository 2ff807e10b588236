import type { AgeAssessmentView, AgeChallengeView } from '@haven/core/schemas';
import { describe, expect, it } from 'vitest';
import { ageUsed, pendingChallenge } from './age-model';

const assessment = (minAge: number, challenges: Partial<AgeChallengeView>[] = []): AgeAssessmentView => ({
  id: `a-${minAge}`,
  method: 'medical',
  assessedOn: '2026-02-28',
  minAge,
  maxAge: minAge + 2,
  assessor: 'Dr. L. Ferri',
  recordedBy: 'u',
  createdAt: '2026-02-28T10:00:00Z',
  challenges: challenges.map((c, i) => ({ id: `c-${i}`, assessmentId: `a-${minAge}`, kind: 'appeal', lodgedOn: '2026-03-01', lodgedBy: 'person', outcome: null, minAge: null, maxAge: null, decidedOn: null, decidedBy: null, version: 1, ...c })),
});
const boy = { ageClaimed: 17, ageDisputed: true };

describe('which age the engine uses', () => {
  it('keeps the claimed age of a minor while the latest assessment is contested (benefit of the doubt)', () => {
    const list = [assessment(20, [{}])];
    expect(ageUsed(list, boy)).toMatchObject({ key: 'pending', age: 17, challenge: { kind: 'appeal' } });
    expect(pendingChallenge(list)?.id).toBe('c-0');
    expect(ageUsed([assessment(20, [{}])], { ageClaimed: 25 })).toMatchObject({ key: 'pendingAdult' });
  });

  it('uses the final determination: the assessment upheld, the claimed age accepted, or a new range', () => {
    expect(ageUsed([assessment(20)], boy)).toEqual({ key: 'assessment', age: 20 });
    expect(ageUsed([assessment(20, [{ outcome: 'upheld' }])], boy)).toEqual({ key: 'assessment', age: 20 });
    expect(ageUsed([assessment(20, [{ outcome: 'claimed_age_accepted', kind: 'review' }])], boy)).toMatchObject({ key: 'claimedAccepted', age: 17, challenge: { kind: 'review' } });
    expect(ageUsed([assessment(20, [{ outcome: 'new_range', minAge: 18, maxAge: 19 }])], boy)).toMatchObject({ key: 'newRange', age: 18 });
    // Only the latest assessment counts: an older one's pending appeal does not.
    expect(ageUsed([assessment(15, [{}]), assessment(20)], boy)).toEqual({ key: 'assessment', age: 20 });
  });

  it('without an assessment, gives a doubted minor the benefit of the doubt, else the date of birth or the claim', () => {
    expect(ageUsed([], boy)).toEqual({ key: 'noneDisputed', age: 17 });
    expect(ageUsed([], { ageClaimed: 17, birthDate: '2008-01-01' })).toEqual({ key: 'birthDate' });
    expect(ageUsed([], { ageClaimed: 30 })).toEqual({ key: 'claimed', age: 30 });
    expect(ageUsed([], undefined)).toEqual({ key: 'unknown' });
  });
});
