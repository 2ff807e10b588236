import { OBSERVED_INDICATORS, type AssessInput, type Indicator } from '@haven/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTriage, TRIAGE_CATEGORIES, triageCategories, triageCategory, triageFlags } from '../encounters/triage.js';
import { ageAt } from './case-facts.js';

// The age the engine is given (the benefit of the doubt for children) and the
// encounter's triage (point 1: medical emergencies, then children, unaccompanied first, pregnant
// women, others).

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/** A real calendar date between 1900 and 2030. */
const calendarDate = fc
  .record({ y: fc.integer({ min: 1900, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => ({ y, m, d: Math.min(d, daysIn(y, m)) }));
const moment = fc.integer({ min: Date.parse('1900-01-01T00:00:00Z'), max: Date.parse('2060-12-31T23:59:59Z') }).map((ms) => new Date(ms));

describe('ageAt', () => {
  it('counts whole years for an exact birth date', () => {
    expect(ageAt('2008-03-01', 'day', new Date('2026-02-28T23:59:59Z'))).toBe(17);
    expect(ageAt('2008-03-01', 'day', new Date('2026-03-01T00:00:00Z'))).toBe(18);
    expect(ageAt('2008-03-01', null, new Date('2026-03-01T00:00:00Z'))).toBe(18);
    // Born on 29 February: a year older on 1 March in a common year.
    expect(ageAt('2008-02-29', 'day', new Date('2026-02-28T12:00:00Z'))).toBe(17);
    expect(ageAt('2008-02-29', 'day', new Date('2026-03-01T00:00:00Z'))).toBe(18);
    expect(ageAt('2008-02-29', 'day', new Date('2028-02-29T00:00:00Z'))).toBe(20);
  });

  it('gives the youngest possible age for a year-only or estimated birth date', () => {
    // Born some time in 2008: on 1 March 2026 the person may be 17 (born after 1 March) — a child.
    expect(ageAt('2008-01-01', 'year', new Date('2026-03-01T06:00:00Z'))).toBe(17);
    expect(ageAt('2008-07-15', 'estimated', new Date('2026-03-01T06:00:00Z'))).toBe(17);
    expect(ageAt('2026-01-01', 'year', new Date('2026-03-01T06:00:00Z'))).toBe(0);
  });

  it('is never negative, and zero for a birth date after the moment', () => {
    fc.assert(
      fc.property(calendarDate, moment, fc.constantFrom('day', 'year', 'estimated', null), ({ y, m, d }, at, precision) => {
        const age = ageAt(iso(y, m, d), precision, at);
        expect(age).toBeGreaterThanOrEqual(0);
        if (Date.parse(`${iso(y, m, d)}T00:00:00Z`) > at.getTime()) expect(age).toBe(0);
      }),
    );
  });

  it('never decreases as time passes', () => {
    fc.assert(
      fc.property(calendarDate, moment, moment, fc.constantFrom('day', 'year', 'estimated'), ({ y, m, d }, a, b, precision) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(ageAt(iso(y, m, d), precision, early)).toBeLessThanOrEqual(ageAt(iso(y, m, d), precision, late));
      }),
    );
  });

  it('turns n on the n-th birthday and is n − 1 the day before', () => {
    fc.assert(
      fc.property(calendarDate.filter(({ m, d }) => !(m === 2 && d === 29)), fc.integer({ min: 1, max: 100 }), ({ y, m, d }, n) => {
        const birthday = new Date(`${iso(y + n, m, d)}T00:00:00Z`);
        expect(ageAt(iso(y, m, d), 'day', birthday)).toBe(n);
        expect(ageAt(iso(y, m, d), 'day', new Date(birthday.getTime() - 1))).toBe(n - 1);
      }),
    );
  });

  it('gives for a year-only date never more than any exact date in that year, and at most one year less than the youngest', () => {
    fc.assert(
      fc.property(calendarDate, moment, fc.constantFrom('year', 'estimated'), ({ y, m, d }, at, precision) => {
        const lowerBound = ageAt(iso(y, m, d), precision, at);
        let youngest = Infinity;
        for (let month = 1; month <= 12; month += 1) {
          for (let day = 1; day <= daysIn(y, month); day += 1) youngest = Math.min(youngest, ageAt(iso(y, month, day), 'day', at));
        }
        expect(lowerBound).toBeLessThanOrEqual(youngest);
        expect(lowerBound).toBeGreaterThanOrEqual(Math.max(0, youngest - 1));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a person whose exact age could be under 18 a child when only the year is known', () => {
    fc.assert(
      fc.property(calendarDate, moment, ({ y }, at) => {
        const possiblyChild = ageAt(iso(y, 12, 31), 'day', at) < 18;
        if (possiblyChild) expect(ageAt(iso(y, 1, 1), 'year', at)).toBeLessThan(18);
      }),
    );
  });
});

describe('triage category', () => {
  const ALL_FLAGS: Indicator[] = [...OBSERVED_INDICATORS, 'child', 'unaccompanied_child', 'separated_child', 'age_disputed', 'older_person', 'female'];
  const flagSet = fc.subarray(ALL_FLAGS).map((flags) => new Set<Indicator>(flags));
  const rank = (flags: ReadonlySet<Indicator>) => TRIAGE_CATEGORIES.indexOf(triageCategory(flags));

  it('puts a medical emergency first, then unaccompanied and separated children, children, pregnant women, others', () => {
    expect(triageCategory(new Set(['medical_emergency', 'child', 'unaccompanied_child', 'pregnant']))).toBe('medical_emergency');
    expect(triageCategory(new Set(['child', 'separated_child', 'pregnant']))).toBe('unaccompanied_child');
    expect(triageCategory(new Set(['child', 'unaccompanied_child']))).toBe('unaccompanied_child');
    expect(triageCategory(new Set(['child', 'pregnant', 'female']))).toBe('child');
    expect(triageCategory(new Set(['pregnant', 'female']))).toBe('pregnant');
    expect(triageCategory(new Set(['injured', 'fear_of_return', 'endangered']))).toBe('other');
    expect(triageCategory(new Set())).toBe('other');
  });

  it('is the most urgent category that applies', () => {
    fc.assert(
      fc.property(flagSet, (flags) => {
        const applies: Record<(typeof TRIAGE_CATEGORIES)[number], boolean> = {
          medical_emergency: flags.has('medical_emergency'),
          unaccompanied_child: flags.has('unaccompanied_child') || flags.has('separated_child'),
          child: flags.has('child'),
          pregnant: flags.has('pregnant'),
          other: true,
        };
        expect(triageCategory(flags)).toBe(TRIAGE_CATEGORIES.find((c) => applies[c]));
      }),
    );
  });

  it('lists every category that applies, the first being the triage category; an unaccompanied child is not listed again as a child', () => {
    expect(triageCategories(new Set(['medical_emergency', 'child', 'unaccompanied_child', 'pregnant']))).toEqual(['medical_emergency', 'unaccompanied_child', 'pregnant']);
    expect(triageCategories(new Set(['child', 'pregnant', 'female']))).toEqual(['child', 'pregnant']);
    expect(triageCategories(new Set(['injured']))).toEqual(['other']);
    fc.assert(
      fc.property(flagSet, (flags) => {
        const categories = triageCategories(flags);
        expect(categories[0]).toBe(triageCategory(flags));
        expect([...categories].sort((a, b) => TRIAGE_CATEGORIES.indexOf(a) - TRIAGE_CATEGORIES.indexOf(b))).toEqual(categories);
        expect(categories.includes('other')).toBe(categories.length === 1 && categories[0] === 'other');
      }),
    );
  });

  it('orders by the most urgent category, then the next ones: never before someone more urgent', () => {
    expect(compareTriage(['medical_emergency', 'unaccompanied_child'], ['medical_emergency'])).toBeLessThan(0);
    expect(compareTriage(['medical_emergency', 'pregnant'], ['medical_emergency', 'unaccompanied_child'])).toBeGreaterThan(0);
    expect(compareTriage(['child'], ['child'])).toBe(0);
    fc.assert(
      fc.property(flagSet, flagSet, (a, b) => {
        if (rank(a) < rank(b)) expect(compareTriage(triageCategories(a), triageCategories(b))).toBeLessThan(0);
      }),
    );
  });

  it('never becomes less urgent when a flag is added', () => {
    fc.assert(
      fc.property(flagSet, fc.constantFrom(...ALL_FLAGS), (flags, extra) => {
        expect(rank(new Set([...flags, extra]))).toBeLessThanOrEqual(rank(flags));
      }),
    );
  });

  it('sees a disputed minor as a child and an unaccompanied one as unaccompanied', () => {
    const input = (person: Record<string, unknown>, indicators: string[] = []) =>
      ({ encounteredAt: '2026-03-01T00:00:00Z', encounterType: 'rescue_at_sea', person: { sex: 'male', languages: [], ...person }, indicators }) as unknown as AssessInput;
    expect(triageCategory(triageFlags(input({ age: 25, ageClaimed: 16, ageDisputed: true, accompaniment: 'unaccompanied' })))).toBe('unaccompanied_child');
    expect(triageCategory(triageFlags(input({ age: 25, ageClaimed: 16, ageDisputed: false })))).toBe('other');
    expect(triageCategory(triageFlags(input({ ageClaimed: 9, accompaniment: 'with_family' })))).toBe('child');
    expect(triageCategory(triageFlags(input({ age: 30 }, ['medical_emergency'])))).toBe('medical_emergency');
  });
});
