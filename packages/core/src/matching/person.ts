import { z } from 'zod';
import { coarseKeysOf, encodeForm, phoneticForms, skeletonOf, type PhoneticForm } from './phonetic.js';
import { memoised } from './memo.js';
import { nameWords, romaniseWord, type RomanisedWord } from './romanise.js';

/** One person as `haven match` reads it, and as the server hands a stored record to the matcher. */
export const matchPersonSchema = z.strictObject({
  id: z.string().min(1).max(200),
  givenName: z.string().max(200),
  familyName: z.string().max(200),
  otherNames: z.array(z.string().max(200)).max(20).optional(),
  sex: z.enum(['male', 'female', 'unknown']).optional(),
  birthDate: z.iso.date().optional(),
  birthDatePrecision: z.enum(['day', 'year', 'estimated']).optional(),
  nationality: z.string().regex(/^[A-Z]{2}$/u, 'must be an ISO 3166-1 alpha-2 code such as SD').optional(),
});
export type MatchPerson = z.infer<typeof matchPersonSchema>;

export type NameRole = 'given' | 'family' | 'other';

/** What a word sounds like: shared by every record that spells the word the same way. */
export interface WordSound {
  /** Distinct per distinct sound in this process: what comparisons are remembered by. */
  soundId: number;
  forms: PhoneticForm[];
  /** The forms as class numbers, for fast comparison. */
  codes: Uint8Array[];
  /** Blocking keys of this word (one per reading). */
  keys: string[];
  /** The skeleton of the first reading: what word frequencies are counted on. */
  frequencyKey: string;
}

export interface NameWord extends WordSound {
  /** As written, for the reasons shown to an officer. */
  written: string;
  role: NameRole;
  abjad: boolean;
}

export interface BirthDate {
  year: number;
  month: number;
  day: number;
  /** `day` only when day and month are known; year-only and estimated dates compare by year. */
  precision: 'day' | 'year' | 'estimated';
}

export interface PreparedPerson {
  id: string;
  words: NameWord[];
  sex: 'male' | 'female' | null;
  birth: BirthDate | null;
  nationality: string | null;
}

/** Articles and particles that are not names by themselves: al-, el, bin, ibn, ould… */
const PARTICLES = new Set(['al', 'el', 'ul', 'il', 'ad', 'ar', 'as', 'at', 'az', 'an', 'ed', 'er', 'es', 'et', 'ez', 'en', 'ash', 'ech', 'bin', 'ben', 'ibn', 'bint', 'binti', 'ould', 'l', 'bn']);
/** Words that form one name with the next: Abd al-Rahman, Abdel Nasser, Abu Bakr, عبد الله. */
const COMPOUND_HEADS = new Set(['abd', 'abdel', 'abdul', 'abdal', 'abdil', 'abdou', 'abdu', 'abu', 'abou', 'abo', 'bd', 'bw']);

const romanisedWord = memoised(romaniseWord);
let soundSerial = 0;
const soundOf = memoised((units: string): WordSound => {
  const forms = phoneticForms({ units: units.split(' '), abjad: false });
  return {
    soundId: ++soundSerial,
    forms,
    codes: forms.map(encodeForm),
    keys: [...new Set(forms.flatMap(coarseKeysOf))],
    frequencyKey: skeletonOf(forms[0] ?? '') || (forms[0] ?? ''),
  };
});

function wordsOf(text: string, role: NameRole): NameWord[] {
  const romanised: { written: string; word: RomanisedWord }[] = [];
  for (const written of nameWords(text)) {
    const word = romanisedWord(written);
    const plain = word.units.join('');
    if (plain.length === 0 || PARTICLES.has(plain)) continue;
    const head = romanised[romanised.length - 1];
    if (head && COMPOUND_HEADS.has(head.word.units.join('')) && !head.written.includes(' ')) {
      head.written = `${head.written} ${written}`;
      head.word = { units: [...head.word.units, ...word.units], abjad: head.word.abjad || word.abjad };
      continue;
    }
    romanised.push({ written, word });
  }
  return romanised.map(({ written, word }) => {
    return { ...soundOf(word.units.join(' ')), written, role, abjad: word.abjad };
  }).filter((w) => w.forms.length > 0);
}

function birthOf(person: MatchPerson): BirthDate | null {
  if (!person.birthDate) return null;
  const [year, month, day] = person.birthDate.split('-').map(Number) as [number, number, number];
  // Without a stated precision, 1 January is the usual stand-in for "year only".
  const precision = person.birthDatePrecision ?? (month === 1 && day === 1 ? 'year' : 'day');
  return { year, month, day, precision };
}

/** A person turned into what the scorer compares: name words with their phonetic readings, date, sex, nationality. */
export function preparePerson(person: MatchPerson): PreparedPerson {
  return {
    id: person.id,
    words: [
      ...wordsOf(person.givenName, 'given'),
      ...wordsOf(person.familyName, 'family'),
      ...(person.otherNames ?? []).flatMap((name) => wordsOf(name, 'other')),
    ],
    sex: person.sex === 'male' || person.sex === 'female' ? person.sex : null,
    birth: birthOf(person),
    nationality: person.nationality ?? null,
  };
}

/** How far apart birth years may be and still be the same person: estimates drift by a year or two. */
export const BIRTH_YEAR_TOLERANCE = 2;
const MAX_NAME_WORDS_FOR_KEYS = 4;

/** A single word with a birth year is a looser key than a pair of words: only a long skeleton (three consonants or more) is specific enough. */
function yearKeyWords(word: NameWord): string[] {
  return [...new Set(word.forms.map(skeletonOf).filter((skeleton) => skeleton.length >= 3))];
}

/** Each unordered pair of name words, by their coarse keys: swapped given and family names still meet. */
function namePairKeys(person: PreparedPerson): string[] {
  const keys = new Set<string>();
  const words = person.words.slice(0, MAX_NAME_WORDS_FOR_KEYS);
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      for (const a of words[i]!.keys) for (const b of words[j]!.keys) keys.add(a < b ? `${a}|${b}` : `${b}|${a}`);
    }
  }
  return [...keys];
}

/**
 * The blocking keys a person is stored under. Two records are compared only when they share a
 * key, so cost grows with the size of the blocks, not with n²:
 * - `q:` a pair of name words with the birth year (the key most records meet by);
 * - `y:` one long name word with the birth year (when the other words were spelt past recognition);
 * - `a:` a pair of name words alone, looked up only for a record without a birth date;
 * - `u:` a pair of name words of a record without a birth date, looked up by every record.
 */
export function storedKeysOf(person: PreparedPerson): string[] {
  const keys: string[] = [];
  const pairs = namePairKeys(person);
  for (const pair of pairs) keys.push(`a:${pair}`);
  if (person.birth) {
    const year = person.birth.year;
    for (const pair of pairs) keys.push(`q:${pair}|${year}`);
    for (const word of new Set(person.words.slice(0, MAX_NAME_WORDS_FOR_KEYS).flatMap(yearKeyWords))) keys.push(`y:${word}|${year}`);
  } else {
    for (const pair of pairs) keys.push(`u:${pair}`);
  }
  return keys;
}

/** The keys to look a person up by: birth years widened by the tolerance; every pair when the date is unknown. */
export function queryKeysOf(person: PreparedPerson): string[] {
  const pairs = namePairKeys(person);
  if (!person.birth) return pairs.map((pair) => `a:${pair}`);
  const keys: string[] = pairs.map((pair) => `u:${pair}`);
  const year = person.birth.year;
  const words = [...new Set(person.words.slice(0, MAX_NAME_WORDS_FOR_KEYS).flatMap(yearKeyWords))];
  for (let dy = -BIRTH_YEAR_TOLERANCE; dy <= BIRTH_YEAR_TOLERANCE; dy++) {
    for (const pair of pairs) keys.push(`q:${pair}|${year + dy}`);
    for (const word of words) keys.push(`y:${word}|${year + dy}`);
  }
  return keys;
}
