import type { RomanisedWord } from './romanise.js';

/**
 * Phonetic classes of name sounds, one character each:
 *   a  any vowel (transliterations disagree on vowels far more than on consonants)
 *   w  w, v, French "ou" before a vowel       y  y as a consonant
 *   h  h, Somali x (ḥ), Arabic ح/ه              k  k, q, c before a/o/u, kh, ck
 *   g  g, gh                                    j  j, dj, dzh, zh
 *   s  s, ss, c before e/i, ç                   c  sh, ch, sch, tch (and French ch)
 *   θ  th (Arabic ث: Othman/Osman); g and h are close too (Ukrainian Serhiy, Russian Sergey)
 *                z  z, dh (ذ ظ), ض
 *   b  b, p   f  f, ph   t   d   l   m   n   r
 * Somali Latin writes ʿayn as c and ḥ as x (Cabdi = Abdi, Maxamed = Mohamed); a "c" before a
 * vowel is therefore either k (Camara) or nothing (Cali), and before e or i either s (Cisse) or
 * nothing (Cismaan), and both readings are kept.
 */
export type PhoneticForm = string;

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'ou', 'oo', 'ee']);

function isVowelUnit(unit: string | undefined): boolean {
  return unit !== undefined && (VOWELS.has(unit) || unit === 'y');
}

const UNIT_CLASS: Readonly<Record<string, string>> = {
  b: 'b', p: 'b', f: 'f', ph: 'f', v: 'w', w: 'w',
  k: 'k', q: 'k', kh: 'k', ck: 'k', qu: 'k', x: 'h', h: 'h',
  g: 'g', gh: 'g', j: 'j', dj: 'j', dzh: 'j', zh: 'j',
  s: 's', c: 's', ts: 's', sh: 'c', ch: 'c', sch: 'c', tch: 'c', shch: 'c',
  th: 'θ', dh: 'z', z: 'z', d: 'd', t: 't', l: 'l', m: 'm', n: 'n', r: 'r',
};

const MAX_VARIANTS = 4;

/** The class strings of a word: usually one, two or four when a Somali c or an attached article leaves a reading open. */
export function phoneticForms(word: RomanisedWord): PhoneticForm[] {
  const readings = articleReadings(word.units);
  const forms = new Set<string>();
  for (const units of readings) for (const form of classify(units)) forms.add(form);
  return [...forms].filter((f) => f.length > 0).slice(0, MAX_VARIANTS);
}

/**
 * "alhassan", "elmasri": the article written into the word; both readings are kept (Alam stays
 * Alam). "Abdulrahman", "Abdelkader", "Cabdullaahi": the article after Abd is written, elided or
 * assimilated (Abdirahman, Abdkader) at will, so a reading without it is kept too.
 */
function articleReadings(units: string[]): string[][] {
  const readings = [units];
  const [first, second] = units;
  if ((first === 'a' || first === 'e') && second === 'l' && units.length >= 5) readings.push(units.slice(2));
  const abd = first === 'c' ? 1 : 0; // Somali c (ʿayn) before Abd
  if (units[abd] === 'a' && units[abd + 1] === 'b' && units[abd + 2] === 'd' && VOWELS.has(units[abd + 3] ?? '') && units[abd + 4] === 'l' && units.length > abd + 6) {
    readings.push([...units.slice(0, abd + 3), ...units.slice(abd + 5)]);
  }
  return readings;
}

function classify(units: string[]): string[] {
  let forms = [''];
  units.forEach((unit, i) => {
    const next = units[i + 1];
    let classes: string[];
    if (VOWELS.has(unit)) {
      classes = unit === 'ou' && isVowelUnit(next) && next !== 'y' ? ['w'] : ['a'];
    } else if (unit === 'y') {
      // Only a word-initial y is reliably a consonant (Yusuf); inside a word it is a glide that
      // transliterations write or leave out at will (Rezayi/Rezaei, Maryam/Mariam).
      classes = i === 0 && isVowelUnit(next) && next !== 'y' ? ['y'] : ['a'];
    } else if (unit === 'j' && i === 0 && isVowelUnit(next)) {
      // A word-initial j is y in German, Scandinavian and South Slavic spelling (Jasmin, Jusuf).
      classes = ['j', 'y'];
    } else if (unit === 'qh') {
      classes = ['k', 'h'];
    } else if (unit === 'c') {
      if (next === 'e' || next === 'i' || next === 'y' || next === 'ee') classes = ['s', ''];
      else classes = ['k', ''];
    } else {
      classes = [UNIT_CLASS[unit] ?? ''];
    }
    const grown: string[] = [];
    for (const form of forms) for (const cls of classes) grown.push(appendClass(form, cls));
    forms = [...new Set(grown)].slice(0, MAX_VARIANTS);
  });
  return forms;
}

/** Doubled letters and runs of vowels are one sound. */
function appendClass(form: string, cls: string): string {
  if (cls === '') return form;
  return form.endsWith(cls) ? form : form + cls;
}

/** The consonant skeleton: vowels and the weak sounds (w, y, h) removed, repeats collapsed. */
export function skeletonOf(form: PhoneticForm): string {
  let out = '';
  for (const ch of form) {
    if (ch === 'a' || ch === 'w' || ch === 'y' || ch === 'h') continue;
    if (!out.endsWith(ch)) out += ch;
  }
  return out;
}

/** Coarser classes for blocking keys: confusable consonants fall together. */
const COARSE: Readonly<Record<string, string>> = { b: 'b', f: 'b', k: 'k', g: 'k', j: 'k', s: 's', c: 's', θ: 's', z: 't', d: 't', t: 't', l: 'l', m: 'm', n: 'n', r: 'r' };

/**
 * The blocking keys of a word's form: its first three coarse consonants (or the weak sounds of a
 * word that has no other, such as "Awa"). th is read both ways: Arabic ث (Othman/Osman) and an
 * aspirated t (Bengali থ, Ge'ez renderings).
 */
export function coarseKeysOf(form: PhoneticForm): string[] {
  const skeleton = skeletonOf(form);
  if (skeleton.length === 0) {
    const weak = form.replace(/[ah]/gu, '');
    return [weak.length > 0 ? `~${weak}` : '~'];
  }
  const readings = skeleton.includes('θ') ? [skeleton.replaceAll('θ', 't'), skeleton.replaceAll('θ', 's')] : [skeleton];
  return [...new Set(readings.map(coarseOf))];
}

function coarseOf(skeleton: string): string {
  let out = '';
  for (const ch of skeleton) {
    const c = COARSE[ch] ?? ch;
    if (!out.endsWith(c)) out += c;
    if (out.length === 3) break;
  }
  return out;
}

const WEAK = new Set(['w', 'y', 'h']);
const CLOSE_PAIRS = new Set(['sc', 'sθ', 'tθ', 'sz', 'zd', 'dt', 'zj', 'kg', 'gj', 'bf', 'fw', 'bw', 'cj', 'kh', 'sj', 'gh', 'jy']);

function substitutionCost(x: string, y: string): number {
  if (x === y) return 0;
  if (x === 'a' || y === 'a') return WEAK.has(x) || WEAK.has(y) ? 0.3 : 1;
  if (CLOSE_PAIRS.has(x + y) || CLOSE_PAIRS.has(y + x)) return 0.3;
  if (WEAK.has(x) && WEAK.has(y)) return 0.3;
  return 1;
}

function gapCost(ch: string, abjad: boolean, edge: boolean): number {
  if (ch === 'a') return abjad ? 0 : 0.25;
  // A weak sound at either end comes and goes with the tradition (Hawa/Awa, Fatimah/Fatima).
  if (WEAK.has(ch)) return edge || abjad ? 0.15 : 0.4;
  return 1;
}

function weightOf(ch: string, abjad: boolean): number {
  if (ch === 'a') return abjad ? 0 : 0.25;
  return WEAK.has(ch) ? 0.4 : 1;
}

// The costs above as tables over class numbers, computed once: the matcher compares millions of
// word pairs, and string lookups per cell would dominate.
const CLASS_LETTERS = 'awyhbfkgjscθzdtlmnr';
const CLASS_COUNT = CLASS_LETTERS.length;
const CLASS_INDEX = new Map([...CLASS_LETTERS].map((ch, i) => [ch, i]));
const SUBSTITUTION = new Float64Array(CLASS_COUNT * CLASS_COUNT);
const GAP = new Float64Array(CLASS_COUNT * 4); // [plain, edge, abjad, abjad edge]
const WEIGHT = new Float64Array(CLASS_COUNT * 2); // [plain, abjad]
for (const [x, i] of CLASS_INDEX) {
  for (const [y, j] of CLASS_INDEX) SUBSTITUTION[i * CLASS_COUNT + j] = substitutionCost(x, y);
  GAP[i * 4] = gapCost(x, false, false);
  GAP[i * 4 + 1] = gapCost(x, false, true);
  GAP[i * 4 + 2] = gapCost(x, true, false);
  GAP[i * 4 + 3] = gapCost(x, true, true);
  WEIGHT[i * 2] = weightOf(x, false);
  WEIGHT[i * 2 + 1] = weightOf(x, true);
}

/** A form as class numbers, for `codedSimilarity`. */
export function encodeForm(form: PhoneticForm): Uint8Array {
  const chars = [...form];
  return Uint8Array.from(chars, (ch) => CLASS_INDEX.get(ch) ?? CLASS_COUNT - 1);
}

const MAX_FORM = 64;
const table = new Float64Array((MAX_FORM + 1) * (MAX_FORM + 1));

/**
 * Similarity of two phonetic forms in [0, 1]: a weighted edit distance where vowels and weak
 * sounds cost little to drop, confusable consonants little to swap, and other consonants a full
 * unit, normalised by the weight of the longer form. With an abjad rendering on either side the
 * vowels are free, since they were never written there.
 */
export function formSimilarity(a: PhoneticForm, b: PhoneticForm, abjad: boolean): number {
  return a === b ? 1 : codedSimilarity(encodeForm(a), encodeForm(b), abjad);
}

/**
 * `formSimilarity` over class numbers. With a `floor`, gives up (returning 0) as soon as every
 * path through the table already costs more than a similarity of `floor` allows: most word pairs
 * the scorer looks at (a given name against a father's name) are far apart, and the answer for
 * them is only "below the floor".
 */
export function codedSimilarity(x: Uint8Array, y: Uint8Array, abjad: boolean, floor = 0): number {
  const n = Math.min(x.length, MAX_FORM);
  const m = Math.min(y.length, MAX_FORM);
  const w = abjad ? 1 : 0;
  let weightA = 0;
  let weightB = 0;
  for (let i = 0; i < n; i++) weightA += WEIGHT[x[i]! * 2 + w]!;
  for (let j = 0; j < m; j++) weightB += WEIGHT[y[j]! * 2 + w]!;
  const norm = Math.max(weightA, weightB, 1);
  const budget = floor > 0 ? (1 - floor) * norm : Number.POSITIVE_INFINITY;
  const cols = m + 1;
  const gapBase = abjad ? 2 : 0;
  const d = table;
  d[0] = 0;
  for (let j = 1; j <= m; j++) d[j] = d[j - 1]! + GAP[y[j - 1]! * 4 + gapBase + (j === 1 || j === m ? 1 : 0)]!;
  let previousRowMin = 0;
  for (let i = 1; i <= n; i++) {
    const xi = x[i - 1]!;
    const xGap = GAP[xi * 4 + gapBase + (i === 1 || i === n ? 1 : 0)]!;
    const row = i * cols;
    const above = row - cols;
    d[row] = d[above]! + xGap;
    let rowMin = d[row]!;
    for (let j = 1; j <= m; j++) {
      const yj = y[j - 1]!;
      let best = d[above + j - 1]! + SUBSTITUTION[xi * CLASS_COUNT + yj]!;
      const del = d[above + j]! + xGap;
      if (del < best) best = del;
      const ins = d[row + j - 1]! + GAP[yj * 4 + gapBase + (j === 1 || j === m ? 1 : 0)]!;
      if (ins < best) best = ins;
      // A transposition of two letters (Merhawi/Mehrawi) is one slip, not two.
      if (i > 1 && j > 1 && xi !== yj && xi === y[j - 2] && x[i - 2] === yj) {
        const swap = d[above - cols + j - 2]! + 0.5;
        if (swap < best) best = swap;
      }
      d[row + j] = best;
      if (best < rowMin) rowMin = best;
    }
    // Costs only grow along a path; a transposition reaches back one row, so the row before counts too.
    if (rowMin > budget && previousRowMin > budget) return 0;
    previousRowMin = rowMin;
  }
  return Math.max(0, 1 - d[n * cols + m]! / norm);
}
