import { describe, expect, it } from 'vitest';
import { BASELINE_PROFILE, checkProfile, handoverRuleFor, takeUpBy } from './profiles.js';

const rule = (overrides: Record<string, unknown> = {}) => ({
  from: 'Coast Guard',
  to: 'Protection Unit',
  atOnce: ['unaccompanied_child', 'separated_child', 'child', 'medical_emergency', 'fear_of_return'],
  within: 'PT6H',
  keepAccessFor: 'P3D',
  ...overrides,
});

function issuesOf(document: unknown): string {
  const result = checkProfile(document);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
}

describe('handover rules in a profile', () => {
  it('has none in the baseline: every case stays with the agency that registers it', () => {
    expect(BASELINE_PROFILE.handover).toEqual([]);
    const result = checkProfile({ id: 'x' });
    expect(result.ok && result.value.handover).toEqual([]);
  });

  it('compiles a rule: names, area, indicators taken up at once and spans in milliseconds', () => {
    const result = checkProfile({ id: 'x', handover: [rule(), rule({ from: 'Rescue NGO', area: 'Southern coast', atOnce: undefined })] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.handover[0]).toEqual({
      index: 0,
      from: 'Coast Guard',
      area: null,
      to: 'Protection Unit',
      atOnce: ['unaccompanied_child', 'separated_child', 'child', 'medical_emergency', 'fear_of_return'],
      atOnceWithinMs: 15 * 60_000,
      withinMs: 6 * 3_600_000,
      keepAccessForMs: 3 * 86_400_000,
    });
    expect(result.value.handover[1]).toMatchObject({ index: 1, area: 'Southern coast', atOnce: [] });
  });

  it('picks the rule for the very area before the rule for any area, and none for another agency', () => {
    const result = checkProfile({ id: 'x', handover: [rule(), rule({ area: 'North', to: 'Northern Unit' })] });
    if (!result.ok) throw new Error('profile refused');
    const rules = result.value.handover;
    expect(handoverRuleFor(rules, 'Coast Guard', 'North')?.to).toBe('Northern Unit');
    expect(handoverRuleFor(rules, 'Coast Guard', 'South')?.to).toBe('Protection Unit');
    expect(handoverRuleFor(rules, 'Coast Guard', null)?.to).toBe('Protection Unit');
    expect(handoverRuleFor(rules, 'Protection Unit', 'North')).toBeUndefined();
  });

  it('sets the take-up deadline at once for an atOnce indicator, else within the span', () => {
    const result = checkProfile({ id: 'x', handover: [rule()] });
    if (!result.ok) throw new Error('profile refused');
    const [compiled] = result.value.handover;
    const at = new Date('2026-03-01T06:00:00Z');
    // At once: within a quarter of an hour unless the rule says otherwise.
    expect(takeUpBy(compiled!, new Set(['child', 'female']), at).toISOString()).toBe('2026-03-01T06:15:00.000Z');
    expect(takeUpBy(compiled!, new Set(['fear_of_return']), at).toISOString()).toBe('2026-03-01T06:15:00.000Z');
    expect(takeUpBy(compiled!, new Set(['female']), at).toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });

  it('refuses an indicator code that does not exist, naming the entry', () => {
    expect(checkProfile({ id: 'x', handover: [rule({ atOnceWithin: 'PT30M' })] }).ok).toBe(true);
    const quick = checkProfile({ id: 'x', handover: [rule({ atOnceWithin: 'PT5M' })] });
    expect(quick.ok && takeUpBy(quick.value.handover[0]!, new Set(['child']), new Date('2026-03-01T06:00:00Z')).toISOString()).toBe('2026-03-01T06:05:00.000Z');
    expect(issuesOf({ id: 'x', handover: [rule({ atOnceWithin: 'PT7H' })] })).toMatch(/^handover\[0\]\.atOnceWithin: "at once" \(7 h\) cannot be slower than everyone else's take-up \(6 h\)/m);
    expect(issuesOf({ id: 'x', handover: [rule({ atOnce: ['fears_return'] })] })).toMatch(/^handover\[0\]\.atOnce\[0\]: "fears_return" is not a known indicator/m);
  });

  it.each([
    ['within', 'six hours'],
    ['within', 'PT0S'],
    ['keepAccessFor', 'P1Y'],
    ['keepAccessFor', null],
  ])('refuses a bad duration in %s (%s), naming the entry', (field, value) => {
    expect(issuesOf({ id: 'x', handover: [rule({ [field]: value })] })).toContain(`handover[0].${field}:`);
  });

  it('refuses a rule without a receiving agency or with an unknown key', () => {
    expect(issuesOf({ id: 'x', handover: [rule({ to: '' })] })).toContain('handover[0].to:');
    expect(issuesOf({ id: 'x', handover: [rule({ toAgency: 'X' })] })).toContain('handover[0]');
  });

  it('refuses an agency handing its cases to itself', () => {
    expect(issuesOf({ id: 'x', handover: [rule({ to: 'Coast Guard' })] })).toContain('handover[0].to: "Coast Guard" would hand its own cases over to itself');
  });

  it('refuses two rules for the same agency and area, naming the second', () => {
    expect(issuesOf({ id: 'x', handover: [rule(), rule({ to: 'Other' })] })).toContain('handover[1].from: handover[0] already hands over');
  });

  it('refuses a loop of two rules, naming the entry and the agencies in order', () => {
    const issues = issuesOf({ id: 'x', handover: [rule(), rule({ from: 'Protection Unit', to: 'Coast Guard' })] });
    expect(issues).toContain('handover[0].to: handover rules form a loop: "Coast Guard" → "Protection Unit" → "Coast Guard" (handover[0], handover[1])');
    expect(issues.split('\n')).toHaveLength(1);
  });

  it('refuses a longer loop, whatever the areas', () => {
    const issues = issuesOf({
      id: 'x',
      handover: [rule({ from: 'A', to: 'B', area: 'North' }), rule({ from: 'B', to: 'C' }), rule({ from: 'C', to: 'A', area: 'South' })],
    });
    expect(issues).toContain('handover rules form a loop: "A" → "B" → "C" → "A"');
  });

  it('accepts a chain that does not close (A → B, B → C)', () => {
    expect(checkProfile({ id: 'x', handover: [rule({ from: 'A', to: 'B' }), rule({ from: 'B', to: 'C' })] }).ok).toBe(true);
  });
});
