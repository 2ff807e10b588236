import { codedSimilarity } from './phonetic.js';
import type { BirthDate, NameWord, PreparedPerson } from './person.js';
import { describeReason, type MatchReason, type RecordedBirth } from './reasons.js';

/**
 * The scoring model is Fellegi–Sunter: each piece of evidence adds log(m/u) when it agrees and
 * log((1−m)/(1−u)) when it disagrees, where m is how often it agrees between two records of the
 * same person and u how often between two different people. The sum plus a prior is turned into
 * a score in [0, 1] by the logistic function. The m and u below are stated with their reasons;
 * the prior was set on the development set (see README "Matching").
 */
const NAME_M = 0.95; // a name word survives re-registration in another script ~95% of the time
const DEFAULT_NAME_FREQUENCY = 0.02; // share of people carrying a given name word, when not counted
const MIN_NAME_FREQUENCY = 0.001;
const NAME_AGREES = 0.88;
const NAME_PARTIAL = 0.62;
/** An extra word (father's or grandfather's name) in one record only: weak evidence against. */
const EXTRA_WORD = -0.2;
/** Three or more shared names in an order no registration habit explains. */
const ORDER_CONFLICT = -4;
const SEX_AGREES = Math.log(0.97 / 0.5);
const SEX_DIFFERS = Math.log(0.01 / 0.5);
// Nationality is often recorded wrongly (claimed, guessed from language or route): m ≈ 0.87;
// u ≈ 0.15 in an arrival population of a few nationalities.
const NATIONALITY_AGREES = Math.log(0.87 / 0.15);
const NATIONALITY_DIFFERS = Math.log(0.13 / 0.85);
// Exact dates: m ≈ 0.8 (typos, swapped day/month), u ≈ 1/3650 within a year of births; capped because
// registration clusters dates (1 January, the day of arrival) far more than a uniform spread would.
const DAY_AGREES = 5.5;
const DAY_MONTH_SWAPPED = 4;
const SAME_YEAR_ONE_PART = 1;
const SAME_YEAR_OTHERWISE = -1.5;
const EXACT_YEARS_DIFFER = -5;
// Year-only or estimated: m ≈ 0.75 for the same year, u ≈ 1/30.
const YEAR_AGREES = 2.5;
const YEAR_NEAR = 1.5;
const ESTIMATE_DRIFT = 2;
// An estimate is usually off by a year (each of two estimates by one); further apart stays possible
// (not a contradiction) but is evidence against: most such pairs are namesakes of neighbouring ages.
const YEARS_BEYOND_USUAL_DRIFT = -2;
const YEAR_FAR = -4;
export const MATCH_PRIOR = -7;
export const DEFAULT_MATCH_THRESHOLD = 0.5;

export interface ScoreOptions {
  /** Share of people carrying a name word (by frequency key); rarer names are stronger evidence. */
  nameFrequency?: (frequencyKey: string) => number | undefined;
}

export interface PairScore {
  score: number;
  /** The summed evidence before the logistic: what ambiguity between two candidates is judged on. */
  logOdds: number;
  /** The evidence in English sentences (`describeReason` of each explanation). */
  reasons: string[];
  /** The evidence as data, for wording it in another language. */
  explanations: MatchReason[];
}

function wordSimilarity(a: NameWord, b: NameWord): number {
  if (a.soundId === b.soundId) return 1;
  const abjad = a.abjad || b.abjad;
  let best = 0;
  for (const x of a.codes) {
    for (const y of b.codes) {
      const similarity = codedSimilarity(x, y, abjad, NAME_PARTIAL);
      if (similarity > best) best = similarity;
    }
  }
  return best;
}

function nameAgreementWeight(word: NameWord, options: ScoreOptions): number {
  const frequency = Math.min(0.5, Math.max(MIN_NAME_FREQUENCY, options.nameFrequency?.(word.frequencyKey) ?? DEFAULT_NAME_FREQUENCY));
  return Math.log(NAME_M / frequency);
}

const NAME_DISAGREES = Math.log((1 - NAME_M) / (1 - DEFAULT_NAME_FREQUENCY));

// Scratch space for aligning names, reused by every comparison: the matcher compares millions of
// pairs, and a few arrays per pair would keep the garbage collector busy. Longer names get their own.
const MAX_CELLS = 64;
const MAX_SIDE = 16;
const simScratch = new Float64Array(MAX_CELLS);
const tieScratch = new Float64Array(MAX_CELLS);
const usedShortScratch = new Uint8Array(MAX_SIDE);
const usedLongScratch = new Uint8Array(MAX_SIDE);

interface Evidence {
  weight: number;
  reasons: MatchReason[];
}

/** The reasons of a pair scored without explaining: shared, never written to. */
const UNEXPLAINED: MatchReason[] = [];

/**
 * Aligns the words of the record with fewer words onto the other's, one to one, best pairs first
 * (so word order, and given versus family name, do not matter), and weighs each word of the
 * shorter record: agreement counts by the rarity of the name, disagreement against.
 */
function tieOf(x: number, y: number): number {
  return Math.min(x, y) * 2 ** 26 + (Math.max(x, y) % 2 ** 26);
}

function alignNames(shorter: NameWord[], longer: NameWord[], options: ScoreOptions, explain: boolean): Evidence {
  const n = shorter.length;
  const m = longer.length;
  const cells = n * m;
  const sims = cells <= MAX_CELLS ? simScratch : new Float64Array(cells);
  const ties = cells <= MAX_CELLS ? tieScratch : new Float64Array(cells);
  // Only pairs that could be aligned (close enough to count) take part.
  for (let i = 0; i < n; i++) {
    const a = shorter[i]!;
    for (let j = 0; j < m; j++) {
      const b = longer[j]!;
      const sim = wordSimilarity(a, b);
      sims[i * m + j] = sim >= NAME_PARTIAL ? sim : -1;
      ties[i * m + j] = tieOf(a.soundId, b.soundId);
    }
  }
  // Best pair first, repeatedly, among words not yet aligned: the same as walking all pairs sorted
  // by similarity and skipping used words. Ties go by the two sounds, not by position or side, so
  // neither swapping given and family name nor swapping the records changes the alignment.
  const usedShort = n <= MAX_SIDE ? usedShortScratch.fill(0) : new Uint8Array(n);
  const usedLong = m <= MAX_SIDE ? usedLongScratch.fill(0) : new Uint8Array(m);
  const alignment: { i: number; j: number }[] = [];
  let weight = 0;
  const reasons: MatchReason[] = explain ? [] : UNEXPLAINED;
  for (;;) {
    let best = -1;
    for (let c = 0; c < cells; c++) {
      const sim = sims[c]!;
      if (sim < 0) continue;
      const i = (c / m) | 0;
      const j = c - i * m;
      if (usedShort[i] || usedLong[j]) continue;
      if (best < 0 || sim > sims[best]! || (sim === sims[best]! && ties[c]! < ties[best]!)) best = c;
    }
    if (best < 0) break;
    const i = (best / m) | 0;
    const j = best - i * m;
    const sim = sims[best]!;
    usedShort[i] = 1;
    usedLong[j] = 1;
    alignment.push({ i, j });
    const a = shorter[i]!;
    const b = longer[j]!;
    const agree = Math.min(nameAgreementWeight(a, options), nameAgreementWeight(b, options));
    if (sim >= NAME_AGREES) {
      weight += agree;
      if (explain) reasons.push({ code: sim === 1 && a.written.toLowerCase() === b.written.toLowerCase() ? 'name_same' : 'name_alike', roles: [a.role, b.role], names: [a.written, b.written] });
    } else {
      const t = (sim - NAME_PARTIAL) / (NAME_AGREES - NAME_PARTIAL);
      weight += NAME_DISAGREES + t * (agree - NAME_DISAGREES);
      if (explain) reasons.push({ code: 'name_close', roles: [a.role, b.role], names: [a.written, b.written] });
    }
  }
  if (!keepsOrder(alignment)) {
    weight += ORDER_CONFLICT;
    if (explain) reasons.push({ code: 'names_reordered' });
  }
  const unmatched = n - alignment.length;
  weight += unmatched * NAME_DISAGREES + (m - alignment.length - unmatched) * EXTRA_WORD;
  if (explain && unmatched > 0) reasons.push({ code: 'name_unmatched', names: shorter.filter((_, i) => !usedShort[i]).map((w) => w.written) });
  return { weight, reasons };
}

/**
 * Whether aligned words keep their sequence, allowing the one reordering registration makes:
 * the family name moved to the front ("HASSAN Muhammad"), a rotation. Given, father's and
 * grandfather's names in another order name another person of the same family.
 */
function keepsOrder(alignment: readonly { i: number; j: number }[]): boolean {
  if (alignment.length < 3) return true;
  const sequence = [...alignment].sort((p, q) => p.i - q.i).map((p) => p.j);
  const descents = sequence.filter((j, k) => k > 0 && j < sequence[k - 1]!).length;
  if (descents === 0) return true;
  return descents === 1 && sequence[sequence.length - 1]! < sequence[0]!;
}

function nameEvidence(a: PreparedPerson, b: PreparedPerson, options: ScoreOptions, explain: boolean): Evidence {
  if (a.words.length === 0 || b.words.length === 0) return { weight: 0, reasons: explain ? [{ code: 'no_name' }] : UNEXPLAINED };
  if (a.words.length < b.words.length) return alignNames(a.words, b.words, options, explain);
  if (b.words.length < a.words.length) return alignNames(b.words, a.words, options, explain);
  // Equal lengths: the alignment does not depend on which record comes first (ties go by sound),
  // and every term of the weight is symmetric, so one direction is enough.
  return alignNames(a.words, b.words, options, explain);
}

function recordedBirth(d: BirthDate): RecordedBirth {
  return { date: d.precision === 'day' ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : String(d.year), precision: d.precision };
}

/** The weight of two birth dates, without words: what the scoring loop needs for every candidate pair. */
function birthWeight(a: BirthDate | null, b: BirthDate | null): number {
  if (!a || !b) return 0;
  const years = Math.abs(a.year - b.year);
  if (a.precision === 'day' && b.precision === 'day') {
    if (years === 0 && a.month === b.month && a.day === b.day) return DAY_AGREES;
    if (years === 0 && a.month === b.day && a.day === b.month) return DAY_MONTH_SWAPPED;
    if (years === 0) return a.month === b.month || a.day === b.day ? SAME_YEAR_ONE_PART : SAME_YEAR_OTHERWISE;
    if (years === 1 && a.month === b.month && a.day === b.day) return SAME_YEAR_ONE_PART;
    return EXACT_YEARS_DIFFER;
  }
  // A year given alone is what the person said; an estimate drifts by a year or two on each side.
  const tolerance = (a.precision === 'estimated' ? ESTIMATE_DRIFT : 0) + (b.precision === 'estimated' ? ESTIMATE_DRIFT : 0);
  if (years === 0) return YEAR_AGREES;
  if (years <= tolerance) return years <= tolerance / 2 ? YEAR_NEAR : YEARS_BEYOND_USUAL_DRIFT;
  return YEAR_FAR;
}

function birthEvidence(a: BirthDate | null, b: BirthDate | null, explain: boolean): Evidence {
  if (!a || !b) return { weight: 0, reasons: UNEXPLAINED };
  const weight = birthWeight(a, b);
  if (!explain) return { weight, reasons: UNEXPLAINED };
  const dates: [RecordedBirth, RecordedBirth] = [recordedBirth(a), recordedBirth(b)];
  const years = Math.abs(a.year - b.year);
  let reason: MatchReason;
  if (a.precision === 'day' && b.precision === 'day') {
    if (weight === DAY_AGREES) reason = { code: 'birth_same_date', dates };
    else if (weight === DAY_MONTH_SWAPPED) reason = { code: 'birth_day_month_swapped', dates };
    else if (years === 0) reason = { code: weight === SAME_YEAR_ONE_PART ? 'birth_one_part_differs' : 'birth_same_year_other_day', dates };
    else reason = { code: weight === SAME_YEAR_ONE_PART ? 'birth_year_off_by_one' : 'birth_dates_differ', dates };
  } else if (years === 0) reason = { code: 'birth_same_year', dates };
  else reason = weight === YEAR_FAR ? { code: 'birth_years_far', dates } : { code: 'birth_years_near', dates, years };
  return { weight, reasons: [reason] };
}

function sexEvidence(a: PreparedPerson, b: PreparedPerson, explain: boolean): Evidence {
  if (!a.sex || !b.sex) return { weight: 0, reasons: UNEXPLAINED };
  if (a.sex === b.sex) return { weight: SEX_AGREES, reasons: explain ? [{ code: 'sex_same', sex: a.sex }] : UNEXPLAINED };
  return { weight: SEX_DIFFERS, reasons: explain ? [{ code: 'sex_differs', sexes: [a.sex, b.sex] }] : UNEXPLAINED };
}

function nationalityEvidence(a: PreparedPerson, b: PreparedPerson, explain: boolean): Evidence {
  if (!a.nationality || !b.nationality) return { weight: 0, reasons: UNEXPLAINED };
  if (a.nationality === b.nationality) return { weight: NATIONALITY_AGREES, reasons: explain ? [{ code: 'nationality_same', nationality: a.nationality }] : UNEXPLAINED };
  return { weight: NATIONALITY_DIFFERS, reasons: explain ? [{ code: 'nationality_differs', nationalities: [a.nationality, b.nationality] }] : UNEXPLAINED };
}

/**
 * Facts that cannot both be true of one person: birth dates beyond what an estimate or a slip
 * explains, or a different recorded sex. Names never contradict (they may always be spelt anew).
 */
export function contradicts(a: PreparedPerson, b: PreparedPerson): boolean {
  if (a.sex && b.sex && a.sex !== b.sex) return true;
  return birthWeight(a.birth, b.birth) <= Math.max(EXACT_YEARS_DIFFER, YEAR_FAR);
}

/** How likely two records are the same person, in [0, 1], with the evidence that led there. */
export function scorePair(a: PreparedPerson, b: PreparedPerson, options: ScoreOptions = {}): PairScore {
  const parts = [nameEvidence(a, b, options, true), birthEvidence(a.birth, b.birth, true), sexEvidence(a, b, true), nationalityEvidence(a, b, true)];
  const logOdds = MATCH_PRIOR + parts.reduce((s, p) => s + p.weight, 0);
  const explanations = parts.flatMap((p) => p.reasons);
  return { score: scoreOfLogOdds(logOdds), logOdds, reasons: explanations.map(describeReason), explanations };
}

/** The score alone (no reasons written): for scoring many candidate pairs, most of them discarded. */
export function pairLogOdds(a: PreparedPerson, b: PreparedPerson, options: ScoreOptions = {}): number {
  // Summed in the order scorePair sums, so both give the same score to the last bit.
  return MATCH_PRIOR + (nameEvidence(a, b, options, false).weight + birthEvidence(a.birth, b.birth, false).weight + sexEvidence(a, b, false).weight + nationalityEvidence(a, b, false).weight);
}

/** The most a person's names can add to a pair: every word agreeing, at its own rarity. */
export function nameWeightBound(person: PreparedPerson, options: ScoreOptions = {}): number {
  let bound = 0;
  for (const word of person.words) bound += nameAgreementWeight(word, options);
  return bound;
}

/**
 * The log-odds of a pair, or -Infinity as soon as it is clear the pair stays below `floor`: the
 * facts (dates, sex, nationality) are weighed first, and the names are compared only when full
 * agreement of the names (at most the smaller of the two `nameWeightBound`s, since each aligned
 * word adds at most its own agreement weight) could lift the pair to the floor. Most candidate
 * pairs of a large batch are namesakes born years apart, and the name comparison is the costly part.
 */
export function pairLogOddsAbove(a: PreparedPerson, b: PreparedPerson, options: ScoreOptions, floor: number, boundA: number, boundB: number): number {
  let facts = MATCH_PRIOR + birthWeight(a.birth, b.birth);
  if (a.sex && b.sex) facts += a.sex === b.sex ? SEX_AGREES : SEX_DIFFERS;
  if (a.nationality && b.nationality) facts += a.nationality === b.nationality ? NATIONALITY_AGREES : NATIONALITY_DIFFERS;
  if (facts + Math.min(boundA, boundB) < floor) return Number.NEGATIVE_INFINITY;
  return facts + nameEvidence(a, b, options, false).weight;
}

/** The score in [0, 1] of a log-odds, rounded as reported. */
export function scoreOfLogOdds(logOdds: number): number {
  return Math.round((1 / (1 + Math.exp(-logOdds))) * 1e4) / 1e4;
}
