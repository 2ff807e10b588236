import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clustersOf, matchPersons, pairwiseQuality } from './match.js';
import { preparePerson, type MatchPerson } from './person.js';
import { codedSimilarity, encodeForm, formSimilarity, phoneticForms } from './phonetic.js';
import { describeReason, matchReasonSchema, type MatchReason } from './reasons.js';
import { romaniseWord } from './romanise.js';
import { nameWeightBound, pairLogOdds, pairLogOddsAbove, scorePair } from './score.js';
import { syntheticPersons, syntheticTruth } from './synthetic.js';

function person(id: string, givenName: string, familyName: string, extra: Partial<MatchPerson> = {}): MatchPerson {
  return { id, givenName, familyName, ...extra };
}

function score(a: MatchPerson, b: MatchPerson): number {
  return scorePair(preparePerson(a), preparePerson(b)).score;
}

function wordsSoundAlike(x: string, y: string): boolean {
  const a = preparePerson(person('a', x, '')).words[0]!;
  const b = preparePerson(person('b', y, '')).words[0]!;
  const abjad = a.abjad || b.abjad;
  return a.forms.some((f) => b.forms.some((g) => formSimilarity(f, g, abjad) >= 0.88));
}

describe('romanisation and phonetic forms', () => {
  it('keeps the letters of an Arabic word apart, so ته is t + h and not ث', () => {
    expect(romaniseWord('فرشته').units).toEqual(['f', 'r', 'sh', 't', 'h']);
    expect(romaniseWord('عثمان').units).toContain('th');
  });

  it('drops the Arabic article written into the word', () => {
    expect(romaniseWord('الحسن').units.join('')).toBe('hsn');
  });

  it('reads a Somali c both as k and as ʿayn', () => {
    expect(phoneticForms(romaniseWord('Cali'))).toEqual(expect.arrayContaining(['kala', 'ala']));
  });

  it.each([
    ['Maxamed', 'Mohamed'],
    ['Cabdullaahi', 'Abdullahi'],
    ['Youssef', 'Yusuf'],
    ['Ousmane', 'Usman'],
    ['Djamel', 'Jamal'],
    ['Othman', 'عثمان'],
    ['محمد', 'Muhammad'],
    ['Reza', 'رضا'],
    ['Sakineh', 'سکینه'],
    ['Gebrehiwet', 'ገብረሂወት'],
    ['Tekle', 'ተኽለ'],
    ['Hossain', 'হোসেন'],
    ['Karim', 'করিম'],
    ['Shevchenko', 'Шевченко'],
    ['Sevcenko', 'Shevchenko'],
    ['Serhiy', 'Sergey'],
    ['Jasmin', 'Yasmin'],
    ['Abdirahman', 'Abdulrahman'],
    ['Cabdiraxmaan', 'Abdel Rahman'],
    ['Korim', 'করিম'],
    ['Shafiqul', 'শফিকুল'],
  ])('hears %s and %s as the same name', (x, y) => {
    expect(wordsSoundAlike(x, y)).toBe(true);
  });

  it.each([
    ['Fatima', 'Mohamed'],
    ['Karim', 'Salim'],
    ['Hodan', 'Halima'],
  ])('tells %s from %s', (x, y) => {
    expect(wordsSoundAlike(x, y)).toBe(false);
  });
});

describe('scorePair', () => {
  const disembarkation = person('r1', 'محمد', 'الحسن', { sex: 'male', birthDate: '2001-03-14', birthDatePrecision: 'day', nationality: 'SD' });
  const reception = person('r2', 'Mohamed', 'El Hassan', { sex: 'male', birthDate: '2001-03-14', birthDatePrecision: 'day', nationality: 'SD' });
  const asylumOffice = person('r3', 'HASSAN', 'Muhammad', { sex: 'male', birthDate: '2001-01-01', birthDatePrecision: 'year', nationality: 'SD' });
  const sister = person('r4', 'Fatima', 'Al-Hassan', { sex: 'female', birthDate: '2003-06-02', birthDatePrecision: 'day', nationality: 'SD' });

  it('matches the same young man across Arabic script, transliteration and swapped names', () => {
    expect(score(disembarkation, reception)).toBeGreaterThan(0.9);
    expect(score(reception, asylumOffice)).toBeGreaterThan(0.5);
    expect(score(disembarkation, asylumOffice)).toBeGreaterThan(0.5);
  });

  it('does not take his sister for him', () => {
    expect(score(reception, sister)).toBeLessThan(0.01);
    expect(score(disembarkation, sister)).toBeLessThan(0.01);
  });

  it('says which names and dates agreed', () => {
    const { reasons } = scorePair(preparePerson(disembarkation), preparePerson(reception));
    expect(reasons).toContain('given name sounds alike: محمد ~ Mohamed');
    expect(reasons).toContain('same birth date 2001-03-14');
  });

  it('gives its reasons as data too, the names as written, each the data of one English sentence', () => {
    const { reasons, explanations } = scorePair(preparePerson(disembarkation), preparePerson(reception));
    expect(explanations).toContainEqual({ code: 'name_alike', roles: ['given', 'given'], names: ['محمد', 'Mohamed'] });
    expect(explanations).toContainEqual({ code: 'birth_same_date', dates: [{ date: '2001-03-14', precision: 'day' }, { date: '2001-03-14', precision: 'day' }] });
    expect(explanations).toContainEqual({ code: 'nationality_same', nationality: 'SD' });
    expect(reasons).toEqual(explanations.map(describeReason));
  });

  it('words each kind of reason in English as `haven match` always has', () => {
    const day = (date: string) => ({ date, precision: 'day' as const });
    const sentences: [MatchReason, string][] = [
      [{ code: 'name_same', roles: ['family', 'family'], names: ['Saleh', 'SALEH'] }, 'family name same: Saleh ~ SALEH'],
      [{ code: 'name_close', roles: ['given', 'other'], names: ['Zeinab', 'Zaynab'] }, 'given/other name close: Zeinab ~ Zaynab'],
      [{ code: 'names_reordered' }, 'names in a different order (a father named as the son, or the other way round?)'],
      [{ code: 'name_unmatched', names: ['Warsame', 'Cali'] }, 'name not found in the other record: Warsame, Cali'],
      [{ code: 'no_name' }, 'no name to compare'],
      [{ code: 'birth_day_month_swapped', dates: [day('1986-05-02'), day('1986-02-05')] }, 'birth date with day and month swapped: 1986-05-02 / 1986-02-05'],
      [{ code: 'birth_year_off_by_one', dates: [day('1986-05-02'), day('1987-05-02')] }, 'birth year differs by one, same day: 1986-05-02 / 1987-05-02'],
      [{ code: 'birth_same_year', dates: [{ date: '1990', precision: 'year' }, { date: '1990', precision: 'estimated' }] }, 'same birth year: 1990 (year only) / 1990 (estimated)'],
      [{ code: 'birth_years_far', dates: [day('1960-01-02'), { date: '1990', precision: 'year' }] }, 'birth years too far apart: 1960-01-02 / 1990 (year only)'],
      [{ code: 'sex_differs', sexes: ['male', 'female'] }, 'different sex: male / female'],
      [{ code: 'nationality_differs', nationalities: ['SO', 'ET'] }, 'different nationality: SO / ET'],
    ];
    for (const [reason, sentence] of sentences) expect(describeReason(reason)).toBe(sentence);
  });

  it('accepts a birth date with day and month swapped, and a father named only in one record', () => {
    const a = person('a', 'Zeinab', 'Saleh', { sex: 'female', birthDate: '1986-05-02', birthDatePrecision: 'day' });
    const b = person('b', 'Zaynab', 'Mustapha Saleh', { sex: 'female', birthDate: '1986-02-05', birthDatePrecision: 'day' });
    expect(score(a, b)).toBeGreaterThan(0.9);
  });

  it('weighs an estimate two years off against the pair without calling it a contradiction', () => {
    const exact = person('a', 'Jawad', 'Nouri', { sex: 'male', birthDate: '1970-08-04', birthDatePrecision: 'day', nationality: 'IR' });
    const oneOff = person('b', 'Jawad', 'Noori', { sex: 'male', birthDate: '1971-01-01', birthDatePrecision: 'estimated', nationality: 'IR' });
    const twoOff = person('c', 'Jawad', 'Noori', { sex: 'male', birthDate: '1972-01-01', birthDatePrecision: 'estimated', nationality: 'IR' });
    expect(score(exact, twoOff)).toBeLessThan(score(exact, oneOff));
    expect(scorePair(preparePerson(exact), preparePerson(twoOff)).reasons).toContain('birth years within 2: 1970-08-04 / 1972 (estimated)');
  });

  it('takes father and son (same names, another order) for two people', () => {
    const son = person('a', 'Cali', 'Warsame Cabdullaahi', { sex: 'male' });
    const father = person('b', 'Warsame', 'Cali Abdilahi', { sex: 'male' });
    expect(score(son, father)).toBeLessThan(score(son, person('c', 'Cali', 'Warsame Abdilahi', { sex: 'male' })));
  });
});

const nameArbitrary = fc.stringMatching(/^[A-Za-z\u0621-\u064A\u1200-\u1357\u0410-\u044F\u0995-\u09B9 -]{0,20}$/u);
const personArbitrary = fc.record({
  id: fc.constant('x'),
  givenName: nameArbitrary,
  familyName: nameArbitrary,
  sex: fc.constantFrom('male', 'female', 'unknown') as fc.Arbitrary<'male' | 'female' | 'unknown'>,
  birthDate: fc.date({ min: new Date('1940-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  birthDatePrecision: fc.constantFrom('day', 'year', 'estimated') as fc.Arbitrary<'day' | 'year' | 'estimated'>,
  nationality: fc.constantFrom('SD', 'SO', 'ER', 'AF'),
});

describe('scorePair properties', () => {
  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(personArbitrary, personArbitrary, (a, b) => {
        const ab = score(a, { ...b, id: 'y' });
        const ba = score({ ...b, id: 'y' }, a);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(ab).toBeCloseTo(ba, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('explains in reasons its schema accepts, and scores alike when not explaining', () => {
    fc.assert(
      fc.property(personArbitrary, personArbitrary, (a, b) => {
        const x = preparePerson(a);
        const y = preparePerson({ ...b, id: 'y' });
        const explained = scorePair(x, y);
        for (const reason of explained.explanations) expect(matchReasonSchema.parse(reason)).toEqual(reason);
        expect(pairLogOdds(x, y)).toBe(explained.logOdds);
      }),
      { numRuns: 200 },
    );
  });

  it('finds a record the same person as itself', () => {
    fc.assert(
      fc.property(personArbitrary.filter((p) => /[^\s-]{2}/u.test(p.givenName) && /[^\s-]{2}/u.test(p.familyName)), (p) => {
        expect(score(p, { ...p, id: 'y' })).toBeGreaterThan(0.5);
      }),
      { numRuns: 200 },
    );
  });

  it('does not change when given and family name are swapped or the case changes', () => {
    fc.assert(
      fc.property(personArbitrary, personArbitrary, (a, b) => {
        const other = { ...b, id: 'y' };
        const base = score(a, other);
        expect(score({ ...a, givenName: a.familyName, familyName: a.givenName }, other)).toBeCloseTo(base, 9);
        expect(score({ ...a, givenName: a.givenName.toUpperCase(), familyName: a.familyName.toLowerCase() }, other)).toBeCloseTo(base, 9);
      }),
      { numRuns: 200 },
    );
  });
});

describe('codedSimilarity with a floor', () => {
  it('gives the exact similarity, or 0 only when the similarity is below the floor', () => {
    const form = fc.stringMatching(/^[awyhbfkgjscθzdtlmnr]{0,12}$/u);
    fc.assert(
      fc.property(form, form, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, abjad, floor) => {
        const exact = codedSimilarity(encodeForm(a), encodeForm(b), abjad);
        const quick = codedSimilarity(encodeForm(a), encodeForm(b), abjad, floor);
        if (quick === 0) expect(exact).toBeLessThan(Math.max(floor, Number.MIN_VALUE));
        else expect(quick).toBe(exact);
      }),
      { numRuns: 500 },
    );
  });
});

describe('pairLogOddsAbove', () => {
  it('skips a pair only when it could not have reached the floor, and otherwise scores it exactly', () => {
    fc.assert(
      fc.property(personArbitrary, personArbitrary, fc.double({ min: -10, max: 10, noNaN: true }), (a, b, floor) => {
        const x = preparePerson(a);
        const y = preparePerson({ ...b, id: 'y' });
        const full = pairLogOdds(x, y);
        const fast = pairLogOddsAbove(x, y, {}, floor, nameWeightBound(x), nameWeightBound(y));
        if (fast === Number.NEGATIVE_INFINITY) expect(full).toBeLessThan(floor);
        else expect(fast).toBeCloseTo(full, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe('matchPersons', () => {
  it('does not chain namesakes born years apart through an undated record', () => {
    const pairs = matchPersons([
      person('a', 'Hodan', 'Warsama', { sex: 'female', nationality: 'SO' }),
      person('b', 'Hodan', 'Warsama', { sex: 'female', birthDate: '1971-12-12', birthDatePrecision: 'day', nationality: 'SO' }),
      person('c', 'Hodan', 'Warsame', { sex: 'female', birthDate: '2000-02-15', birthDatePrecision: 'day', nationality: 'SO' }),
    ]);
    expect(pairs).toEqual([]);
  });

  it('links a record ambiguous between single records to the person several registrations agree on', () => {
    const woman = { sex: 'female' as const, nationality: 'BD' };
    const pairs = matchPersons([
      person('a', 'Nasrin', 'Hossain', { ...woman, birthDate: '1975-09-22', birthDatePrecision: 'day' }),
      person('b', 'নাসরিন', 'হোসেন', { ...woman, birthDate: '1975-09-22', birthDatePrecision: 'day' }),
      person('c', 'nasrin', 'hussain', { ...woman, birthDate: '1975-09-22', birthDatePrecision: 'day' }),
      person('d', 'Nasreen', 'Hossain', { ...woman, birthDate: '1974-01-01', birthDatePrecision: 'estimated' }),
      person('e', 'Nasreen', 'Hosen', { sex: 'female', birthDate: '1973-08-05', birthDatePrecision: 'day' }),
    ]);
    const linked = new Set(pairs.flatMap((p) => [p.a, p.b]));
    expect(linked).toContain('d');
    expect(linked).not.toContain('e');
  });

  it('does not let one record naming a woman with father and grandfather join two women', () => {
    const woman = { sex: 'female' as const, nationality: 'SO' };
    const pairs = matchPersons([
      person('a', 'Halima', 'Warsama', { ...woman, birthDate: '1976-04-07', birthDatePrecision: 'day' }),
      person('b', 'Xaliimo', 'Warsame', { ...woman, birthDate: '1976-04-07', birthDatePrecision: 'day' }),
      person('c', 'Halimo', 'Warsame Abdullahi', { ...woman, birthDate: '1977-01-01', birthDatePrecision: 'estimated' }),
      person('d', 'Xaliimo', 'Abdullahi', { ...woman, birthDate: '1978-01-01', birthDatePrecision: 'estimated' }),
      person('e', 'Halimo', 'Cabdullaahi', { sex: 'female', nationality: 'SO' }),
    ]);
    const together = (x: string, y: string): boolean => clustersOf(pairs).some((cluster) => cluster.includes(x) && cluster.includes(y));
    expect(together('a', 'b')).toBe(true);
    expect(together('a', 'd')).toBe(false);
  });

  it('keeps F1 on a synthetic set built from syllables, not from the development names', () => {
    const set = syntheticPersons({ seed: 20260, people: 600 });
    const quality = pairwiseQuality(matchPersons(set.map((s) => s.record)), syntheticTruth(set));
    expect(quality.f1).toBeGreaterThan(0.9);
  });
});
