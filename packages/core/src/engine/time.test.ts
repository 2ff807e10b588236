import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadlineMs, durationMs, formatInstant, formatSpan, instantMs } from './time.js';

const HOUR = 3_600_000;

describe('durationMs', () => {
  it('reads the durations of deadlines', () => {
    expect(durationMs('PT1H')).toBe(HOUR);
    expect(durationMs('PT72H')).toBe(72 * HOUR);
    expect(durationMs('P7D')).toBe(168 * HOUR);
    expect(durationMs('P1W')).toBe(168 * HOUR);
    expect(durationMs('P1DT12H30M')).toBe(36.5 * HOUR);
    expect(durationMs('PT90S')).toBe(90_000);
  });

  it('refuses what is not one exact span', () => {
    for (const text of ['P1M', 'P1Y', 'P', 'PT', '24h', 'PT1.5H', '-PT1H', 'P1DT']) expect(durationMs(text)).toBeNull();
  });

  it('takes milliseconds as a positive whole number', () => {
    expect(deadlineMs(HOUR)).toBe(HOUR);
    expect(deadlineMs(0)).toBeNull();
    expect(deadlineMs(-5)).toBeNull();
    expect(deadlineMs(1.5)).toBeNull();
  });
});

describe('formatSpan', () => {
  it('writes spans the way the deadline table does', () => {
    expect(formatSpan(HOUR)).toBe('1 h');
    expect(formatSpan(72 * HOUR)).toBe('72 h');
    expect(formatSpan(168 * HOUR)).toBe('7 d');
    expect(formatSpan(90 * 60_000)).toBe('90 min');
    expect(formatSpan(45_000)).toBe('45 s');
  });
});

const instants = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });

describe('formatInstant', () => {
  it('writes RFC 3339 UTC without fractional seconds', () => {
    expect(formatInstant(Date.UTC(2026, 2, 4, 6))).toBe('2026-03-04T06:00:00Z');
    expect(formatInstant(Date.UTC(2028, 1, 29, 23, 59, 59, 999))).toBe('2028-02-29T23:59:59Z');
  });

  it('agrees with Date for any instant, cutting the fraction', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        expect(formatInstant(ms)).toBe(new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('instantMs', () => {
  it('agrees with Date.parse on every RFC 3339 form', () => {
    const offsets = fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+02:00', '-05:30', '+14:00', '-12:00');
    const fractions = fc.constantFrom('', '.5', '.25', '.123', '.999', '.123456');
    fc.assert(
      fc.property(instants, offsets, fractions, (ms, offset, fraction) => {
        const text = `${new Date(ms).toISOString().slice(0, 19)}${fraction}${offset}`;
        expect(instantMs(text)).toBe(Date.parse(text.replace(/z$/, 'Z')));
      }),
      { numRuns: 5000 },
    );
  });
});
