import type { MatchPerson } from './person.js';

/**
 * Synthetic persons for testing and benchmarking the matcher, deterministic for a seed. Names are
 * composed from syllables of an abstract sound inventory (not from any list of real names) and
 * rendered in one of several writing traditions: English-style and French-style Latin, Somali
 * Latin orthography, Arabic script (short vowels unwritten), Cyrillic, Ge'ez and Bengali. A
 * person is registered one to four times with the slips registration makes; siblings share
 * their father's and grandfather's names, so they are the hard negatives.
 */

/** A small fast PRNG (mulberry32): same seed, same persons. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Sound = string;
const CONSONANTS: Sound[] = ['b', 't', 'd', 'k', 'g', 'q', 'f', 's', 'sh', 'z', 'j', 'kh', 'h', 'H', 'ʕ', 'm', 'n', 'l', 'r', 'w', 'y', 'th'];
const VOWELS: Sound[] = ['a', 'i', 'u', 'e', 'o', 'aa', 'ii', 'uu'];

interface Syllable {
  c: Sound;
  v: Sound;
}
type SoundName = Syllable[];

type Tradition = 'english' | 'french' | 'somali' | 'arabic' | 'cyrillic' | 'geez' | 'bengali';
const TRADITIONS: Tradition[] = ['english', 'french', 'somali', 'arabic', 'cyrillic', 'geez', 'bengali'];

const LATIN_ENGLISH: Record<Sound, string> = { H: 'h', 'ʕ': '', q: 'q' };
const LATIN_FRENCH: Record<Sound, string> = { H: 'h', 'ʕ': '', sh: 'ch', j: 'dj', q: 'k', th: 't', w: 'ou', y: 'y', u: 'ou', uu: 'ou', ii: 'i', aa: 'a' };
const LATIN_SOMALI: Record<Sound, string> = { H: 'x', 'ʕ': 'c', th: 't', z: 's' };
const ARABIC: Record<Sound, string> = {
  b: 'ب', t: 'ت', d: 'د', k: 'ك', g: 'ج', q: 'ق', f: 'ف', s: 'س', sh: 'ش', z: 'ز', j: 'ج', kh: 'خ', h: 'ه', H: 'ح', 'ʕ': 'ع',
  m: 'م', n: 'ن', l: 'ل', r: 'ر', w: 'و', y: 'ي', th: 'ث', aa: 'ا', ii: 'ي', uu: 'و',
};
const CYRILLIC: Record<Sound, string> = {
  b: 'б', t: 'т', d: 'д', k: 'к', g: 'г', q: 'к', f: 'ф', s: 'с', sh: 'ш', z: 'з', j: 'дж', kh: 'х', h: 'х', H: 'х', 'ʕ': '',
  m: 'м', n: 'н', l: 'л', r: 'р', w: 'в', y: 'й', th: 'т', a: 'а', i: 'и', u: 'у', e: 'е', o: 'о', aa: 'а', ii: 'і', uu: 'у',
};
/** Ge'ez rows (first code point of each consonant's syllables) and vowel orders. */
const GEEZ_ROW: Record<Sound, number> = {
  h: 0x1200, l: 0x1208, H: 0x1210, m: 0x1218, r: 0x1228, s: 0x1230, sh: 0x1238, q: 0x1240, b: 0x1260, t: 0x1270, n: 0x1290,
  k: 0x12a8, kh: 0x12b8, w: 0x12c8, 'ʕ': 0x12d0, z: 0x12d8, y: 0x12e8, d: 0x12f0, j: 0x1300, g: 0x1308, f: 0x1348, th: 0x1270,
};
const GEEZ_ORDER: Record<Sound, number> = { e: 0, u: 1, uu: 1, i: 2, ii: 2, a: 3, aa: 3, o: 6, '': 5 };
const BENGALI: Record<Sound, string> = {
  b: 'ব', t: 'ত', d: 'দ', k: 'ক', g: 'গ', q: 'ক', f: 'ফ', s: 'স', sh: 'শ', z: 'জ', j: 'জ', kh: 'খ', h: 'হ', H: 'হ', 'ʕ': '',
  m: 'ম', n: 'ন', l: 'ল', r: 'র', w: 'ও', y: 'য়', th: 'থ',
};
const BENGALI_SIGN: Record<Sound, string> = { a: '', aa: 'া', i: 'ি', ii: 'ী', u: 'ু', uu: 'ূ', e: 'ে', o: 'ো' };
const BENGALI_INITIAL: Record<Sound, string> = { a: 'অ', aa: 'আ', i: 'ই', ii: 'ঈ', u: 'উ', uu: 'ঊ', e: 'এ', o: 'ও' };

function latin(name: SoundName, table: Record<Sound, string>, doubleLong: boolean): string {
  let out = '';
  for (const { c, v } of name) {
    out += table[c] ?? c;
    out += table[v] ?? (v.length === 2 && !doubleLong ? v[0]! : v);
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/** Renders a name in a writing tradition; Arabic script leaves short vowels unwritten. */
export function renderName(name: SoundName, tradition: Tradition): string {
  switch (tradition) {
    case 'english':
      return latin(name, LATIN_ENGLISH, false);
    case 'french':
      return latin(name, LATIN_FRENCH, false);
    case 'somali':
      return latin(name, LATIN_SOMALI, true);
    case 'arabic':
      return name.map(({ c, v }, i) => (c === 'ʕ' || c !== '' ? ARABIC[c] ?? '' : i === 0 ? 'ا' : '') + (v.length === 2 ? ARABIC[v] : '')).join('');
    case 'cyrillic': {
      const text = name.map(({ c, v }) => (CYRILLIC[c] ?? '') + (CYRILLIC[v] ?? '')).join('');
      return text.charAt(0).toUpperCase() + text.slice(1);
    }
    case 'geez':
      return name
        .map(({ c, v }) => String.fromCodePoint((GEEZ_ROW[c] ?? 0x12a0) + (GEEZ_ORDER[v] ?? 3)))
        .join('');
    case 'bengali':
      return name.map(({ c, v }, i) => (c === 'ʕ' || BENGALI[c] === '' ? (i === 0 ? BENGALI_INITIAL[v] ?? '' : '') : (BENGALI[c] ?? '') + (BENGALI_SIGN[v] ?? ''))).join('');
  }
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function soundName(random: () => number): SoundName {
  const syllables = 2 + Math.floor(random() * 3);
  return Array.from({ length: syllables }, () => ({ c: pick(random, CONSONANTS), v: pick(random, VOWELS) }));
}

/** A pool of names skewed like real ones: a few very common, many rare (Zipf-like draws). */
function namePool(random: () => number, size: number, skew: number): { draw: () => SoundName } {
  const pool = Array.from({ length: size }, () => soundName(random));
  return { draw: () => pool[Math.min(size - 1, Math.floor(size * random() ** skew))]! };
}

const NATIONALITIES = ['SD', 'SO', 'ER', 'ET', 'AF', 'IR', 'SY', 'IQ', 'BD', 'UA', 'GN', 'ML', 'SN', 'DZ', 'MA', 'TN', 'EG', 'LY', 'YE', 'PS'];

export interface SyntheticPerson {
  record: MatchPerson;
  /** The person the record describes: records with the same truth id are the same person. */
  truthId: number;
}

export interface SyntheticOptions {
  seed: number;
  /** How many distinct people (each registered one to four times). */
  people: number;
  /** Share of people registered more than once. */
  duplicateShare?: number;
  /** Share of people who have a sibling in the set (same father's and grandfather's names). */
  siblingShare?: number;
}

interface BasePerson {
  given: SoundName;
  father: SoundName;
  grandfather: SoundName;
  sex: 'male' | 'female';
  birth: { year: number; month: number; day: number };
  nationality: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function registration(random: () => number, base: BasePerson, id: string, copy: number): MatchPerson {
  const tradition = pick(random, TRADITIONS);
  const render = (name: SoundName): string => renderName(name, random() < 0.7 ? tradition : pick(random, TRADITIONS));
  let given = render(base.given);
  const familyWords = [render(base.father)];
  if (random() < 0.5) familyWords.push(render(base.grandfather));
  let family = familyWords.join(' ');
  if (copy > 0 && random() < 0.2) [given, family] = [family, given];
  if (random() < 0.15) given = given.toUpperCase();
  const record: MatchPerson = { id, givenName: given, familyName: family };
  record.sex = copy > 0 && random() < 0.03 ? 'unknown' : base.sex;
  const dateRoll = random();
  const { year, month, day } = base.birth;
  if (copy > 0 && dateRoll < 0.08) {
    // no date recorded
  } else if (dateRoll < 0.55) {
    const swapped = copy > 0 && day <= 12 && random() < 0.1;
    record.birthDate = `${year}-${pad(swapped ? day : month)}-${pad(swapped ? month : day)}`;
    record.birthDatePrecision = 'day';
  } else if (dateRoll < 0.8) {
    record.birthDate = `${year}-01-01`;
    record.birthDatePrecision = 'year';
  } else {
    record.birthDate = `${year + Math.round((random() - 0.5) * 3)}-01-01`;
    record.birthDatePrecision = 'estimated';
  }
  const nationalityRoll = random();
  if (nationalityRoll < 0.05) {
    // not recorded
  } else record.nationality = copy > 0 && nationalityRoll > 0.9 ? pick(random, NATIONALITIES) : base.nationality;
  return record;
}

/** Deterministic synthetic records with their truth; `people` distinct persons. */
export function syntheticPersons(options: SyntheticOptions): SyntheticPerson[] {
  const random = seededRandom(options.seed);
  const duplicateShare = options.duplicateShare ?? 0.4;
  const siblingShare = options.siblingShare ?? 0.15;
  const given = namePool(random, Math.max(50, Math.round(Math.sqrt(options.people) * 8)), 2);
  const family = namePool(random, Math.max(100, Math.round(options.people / 3)), 1.5);
  const out: SyntheticPerson[] = [];
  let serial = 0;
  let previous: BasePerson | undefined;
  for (let truthId = 0; truthId < options.people; truthId++) {
    const sibling = previous && random() < siblingShare;
    const base: BasePerson = {
      given: given.draw(),
      father: sibling ? previous!.father : family.draw(),
      grandfather: sibling ? previous!.grandfather : family.draw(),
      sex: random() < 0.5 ? 'male' : 'female',
      birth: sibling
        ? { year: previous!.birth.year + 2 + Math.floor(random() * 6), month: 1 + Math.floor(random() * 12), day: 1 + Math.floor(random() * 28) }
        : { year: 1950 + Math.floor(random() * 60), month: 1 + Math.floor(random() * 12), day: 1 + Math.floor(random() * 28) },
      nationality: sibling ? previous!.nationality : pick(random, NATIONALITIES),
    };
    const copies = random() < duplicateShare ? 2 + Math.floor(random() * 3) : 1;
    for (let copy = 0; copy < copies; copy++) out.push({ record: registration(random, base, `s${String(serial++).padStart(7, '0')}`, copy), truthId });
    previous = base;
  }
  return out;
}

/** The truth of a synthetic set as clusters of record ids (people with one record left out). */
export function syntheticTruth(persons: readonly SyntheticPerson[]): string[][] {
  const byTruth = new Map<number, string[]>();
  for (const { record, truthId } of persons) {
    let ids = byTruth.get(truthId);
    if (!ids) byTruth.set(truthId, (ids = []));
    ids.push(record.id);
  }
  return [...byTruth.values()].filter((ids) => ids.length > 1);
}
