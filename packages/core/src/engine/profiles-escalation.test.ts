import { describe, expect, it } from 'vitest';
import { BASELINE_PROFILE, checkProfile, DEFAULT_ESCALATION_MS, escalationLimitMs, loadProfile } from './profiles.js';

const HOUR = 3_600_000;

describe('the escalation limit of a profile', () => {
  it('lets an obligation stay overdue a day before oversight sees it, or its own deadline when that is shorter', () => {
    expect(DEFAULT_ESCALATION_MS).toBe(24 * HOUR);
    expect(escalationLimitMs(BASELINE_PROFILE, 'children.guardian')).toBe(24 * HOUR);
    // Emergency care is due within the hour: an hour overdue is already as long again.
    expect(escalationLimitMs(BASELINE_PROFILE, 'life.emergency_care')).toBe(HOUR);
    // A standing obligation is never overdue, so never escalated.
    expect(escalationLimitMs(BASELINE_PROFILE, 'protection.non_refoulement')).toBeNull();
    expect(escalationLimitMs(BASELINE_PROFILE, 'not.a_code')).toBeNull();
  });

  it('takes the profile limit, and a per-obligation limit over it', () => {
    const profile = loadProfile({ id: 'x', escalation: { afterOverdue: 'PT12H', obligations: { 'life.emergency_care': 'PT30M', 'info.rights': 'PT2H' } } });
    expect(escalationLimitMs(profile, 'children.guardian')).toBe(12 * HOUR);
    expect(escalationLimitMs(profile, 'life.emergency_care')).toBe(HOUR / 2);
    expect(escalationLimitMs(profile, 'info.rights')).toBe(2 * HOUR);
  });

  it('applies to obligations the profile adds', () => {
    const profile = loadProfile({
      id: 'x',
      obligations: [{ code: 'sop.health_screening', summary: 'Health screening', basis: ['SOP 4'], trigger: true, fulfilledBy: { referral: 'health' }, deadline: 'PT6H', base: 'encounter' }],
      escalation: { obligations: { 'sop.health_screening': 'PT3H' } },
    });
    expect(escalationLimitMs(profile, 'sop.health_screening')).toBe(3 * HOUR);
  });

  it.each([
    [{ obligations: { 'life.emergency_care': 'PT2H' } }, 'escalation.obligations.life.emergency_care', 'longer than its deadline of 1 h'],
    [{ obligations: { 'life.emergency_care': 'PT2H' } }, 'escalation.obligations.life.emergency_care', 'life.emergency_care'],
    [{ obligations: { 'not.a_code': 'PT2H' } }, 'escalation.obligations.not.a_code', 'not an obligation'],
    [{ obligations: { 'protection.non_refoulement': 'PT2H' } }, 'escalation.obligations.protection.non_refoulement', 'standing'],
    [{ afterOverdue: 'soon' }, 'escalation.afterOverdue', 'not a deadline'],
    [{ afterEver: 'PT1H' }, 'escalation', 'afterEver'],
  ])('refuses %j at load, naming the entry', (escalation, path, words) => {
    const result = checkProfile({ id: 'x', escalation });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
    expect(text).toContain(path);
    expect(text).toContain(words);
  });

  it('measures a per-obligation limit against the deadline the profile shortened', () => {
    const result = checkProfile({ id: 'x', deadlines: { 'info.rights': 'PT6H' }, escalation: { obligations: { 'info.rights': 'PT8H' } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.path).toBe('escalation.obligations.info.rights');
    expect(result.issues[0]?.message).toContain('6 h');
  });
});
