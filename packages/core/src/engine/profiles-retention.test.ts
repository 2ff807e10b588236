import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASELINE_PROFILE, checkProfile, DEFAULT_RETENTION, parseRetentionPeriod, retentionCutoff } from './profiles.js';

describe('retention periods in a profile', () => {
  it('gives the baseline the default periods', () => {
    expect(BASELINE_PROFILE.retention).toEqual(DEFAULT_RETENTION);
    expect(BASELINE_PROFILE.retention.case.iso).toBe('P5Y');
  });

  it('takes a profile period for one record type and keeps the defaults for the others', () => {
    const result = checkProfile({ id: 'x', retention: { case: 'P3Y', notification: 'P6M' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.retention.case).toEqual({ iso: 'P3Y', years: 3, months: 0, days: 0 });
    expect(result.value.retention.notification.months).toBe(6);
    expect(result.value.retention.allegation.iso).toBe('P10Y');
  });

  it.each([
    ['case', 'five years', 'not a retention period'],
    ['case', 'P7D', 'too short'],
    ['allegation', 'P101Y', 'longer than 100 years'],
    ['documents', 'P1Y', 'documents'],
  ])('refuses retention.%s = %s, naming the entry', (type, value, words) => {
    const result = checkProfile({ id: 'x', retention: { [type]: value } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n')).toContain(words);
    expect(result.issues.some((issue) => issue.path.startsWith('retention'))).toBe(true);
  });

  it('counts the cut-off back in calendar units, in UTC', () => {
    const now = new Date('2026-03-31T10:00:00Z');
    expect(retentionCutoff(parseRetentionPeriod('P5Y')!, now).toISOString()).toBe('2021-03-31T10:00:00.000Z');
    expect(retentionCutoff(parseRetentionPeriod('P2W')!, now).toISOString()).toBe('2026-03-17T10:00:00.000Z');
    expect(retentionCutoff(parseRetentionPeriod('P1Y1M')!, new Date('2026-04-15T00:00:00Z')).toISOString()).toBe('2025-03-15T00:00:00.000Z');
  });

  it('puts the cut-off before now for every valid period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 400 }), fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (y, m, d, now) => {
          const period = parseRetentionPeriod(`P${y}Y${m}M${d}D`)!;
          expect(retentionCutoff(period, now).getTime()).toBeLessThan(now.getTime());
        }),
    );
  });
});
