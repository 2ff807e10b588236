import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSULAR_CHOICES, OBSERVED_INDICATORS } from '../codes.js';
import { assess } from './assess.js';
import { parseAssessInput, type AssessInput } from './input.js';
import { BASELINE_PROFILE, checkProfile, loadProfile } from './profiles.js';

// DOMAIN.md section 9, rule 8: how a jurisdiction profile meets the consular rules. Months and
// years are not deadline units, and an obligation a profile adds to refuse sharing with the State
// of origin never refuses a consular notification the person asked for.

const RUNS = { numRuns: 300 };
const AT = '2026-03-01T06:00:00Z';

/** A standing obligation that refuses sharing for everyone whose nationality is known (not "unknown"). */
const SHARING_BLOCKER = {
  code: 'sop.origin_state_embargo',
  summary: 'Share nothing with the authorities of the nationality until the prosecutor agrees.',
  basis: ['SOP 9'],
  trigger: { '!=': [{ var: 'nationality' }, 'unknown'] },
  fulfilledBy: { standing: true },
  deadline: null,
  base: 'encounter',
  blocks: ['share_with_origin_state', 'return'],
};
const profile = loadProfile({ id: 'embargo', mandatoryConsularNotification: ['ER'], obligations: [SHARING_BLOCKER] });

function input(document: Record<string, unknown>): AssessInput {
  const parsed = parseAssessInput({ encounteredAt: AT, ...document });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const screening = fc.record({
  indicators: fc.uniqueArray(fc.constantFrom(...OBSERVED_INDICATORS), { maxLength: 6 }),
  consular: fc.constantFrom(...CONSULAR_CHOICES),
  nationality: fc.constantFrom('ER', 'SY', 'unknown'),
  detained: fc.boolean(),
});

describe('a profile obligation that refuses sharing with the State of origin', () => {
  it('refuses sharing while it stands and the person has not asked for their consulate', () => {
    const output = assess(input({ person: { nationality: 'SY' }, consular: 'not_asked' }), profile);
    expect(output.guards.share_with_origin_state).toEqual({ allowed: false, blockedBy: ['sop.origin_state_embargo'] });
  });

  it('never refuses a consular notification the person asked for', () => {
    const output = assess(input({ person: { nationality: 'SY' }, consular: 'requested', detention: { since: AT, until: null } }), profile);
    expect(output.guards.share_with_origin_state).toEqual({ allowed: true, blockedBy: [] });
    // It still refuses the other actions it names.
    expect(output.guards.return.blockedBy).toContain('sop.origin_state_embargo');
  });

  it('leaves only the baseline rule on sharing whenever the person asks, for any screening', () => {
    fc.assert(
      fc.property(screening, ({ indicators, consular, nationality, detained }) => {
        const document = { person: { nationality }, indicators, consular, ...(detained ? { detention: { since: AT, until: null } } : {}) };
        const withProfile = assess(input(document), profile).guards.share_with_origin_state;
        const baseline = assess(input(document), BASELINE_PROFILE).guards.share_with_origin_state;
        if (consular === 'requested') {
          expect(withProfile).toEqual(baseline);
          expect(withProfile.allowed).toBe(true);
        } else {
          expect(withProfile.blockedBy).toEqual([...baseline.blockedBy, ...(nationality === 'unknown' ? [] : ['sop.origin_state_embargo'])]);
        }
      }),
      RUNS,
    );
  });
});

describe('deadline units in a profile', () => {
  const addedWith = (deadline: string) => ({ ...SHARING_BLOCKER, code: 'sop.visit', fulfilledBy: { referral: 'legal_aid' }, deadline, blocks: undefined });

  it.each(['P1M', 'P1Y', 'P1Y2M', 'P1MT2H', 'P2W1M', 'P0Y1D'])('refuses %s as a deadline, in "deadlines" and in an added obligation', (deadline) => {
    const shortened = checkProfile({ id: 'calendar', deadlines: { 'family.tracing': deadline } });
    expect(shortened.ok).toBe(false);
    if (!shortened.ok) expect(shortened.issues[0]).toMatchObject({ path: 'deadlines.family.tracing', message: expect.stringContaining('is not a deadline') });
    const own = checkProfile({ id: 'calendar', obligations: [addedWith(deadline)] });
    expect(own.ok).toBe(false);
    if (!own.ok) expect(own.issues[0]).toMatchObject({ path: 'obligations[0].deadline', message: expect.stringContaining('weeks, days, hours, minutes or seconds') });
  });

  it('reads M after T as minutes, never as months', () => {
    const loaded = loadProfile({ id: 'minutes', deadlines: { 'info.rights': 'PT90M' } });
    expect(loaded.obligations.find((entry) => entry.definition.code === 'info.rights')?.deadlineMs).toBe(90 * 60_000);
  });

  it('refuses any duration that names years or months, whatever else it says', () => {
    const part = (unit: string) => fc.option(fc.integer({ min: 0, max: 99 }).map((n) => `${n}${unit}`), { nil: '' });
    const calendar = fc
      .record({ y: part('Y'), m: part('M'), w: part('W'), d: part('D'), h: part('H'), s: part('S') })
      .filter(({ y, m }) => y !== '' || m !== '')
      .map(({ y, m, w, d, h, s }) => `P${y}${m}${w}${d}${h || s ? `T${h}${s}` : ''}`);
    fc.assert(
      fc.property(calendar, (deadline) => {
        expect(checkProfile({ id: 'calendar', deadlines: { 'family.tracing': deadline } }).ok).toBe(false);
        expect(checkProfile({ id: 'calendar', obligations: [addedWith(deadline)] }).ok).toBe(false);
      }),
      RUNS,
    );
  });
});
