import { preparePerson, queryKeysOf, storedKeysOf, type MatchPerson, type PreparedPerson } from './person.js';
import { contradicts, DEFAULT_MATCH_THRESHOLD, nameWeightBound, pairLogOdds, pairLogOddsAbove, scoreOfLogOdds, scorePair, type ScoreOptions } from './score.js';

export interface MatchedPair {
  a: string;
  b: string;
  score: number;
  reasons: string[];
}

/**
 * A block larger than this is a name pair so common (or a key so coarse) that comparing all of
 * it would be quadratic; such records still meet through their other keys (name + birth year).
 */
export const MAX_BLOCK_SIZE = 2000;
/** Weight of the population prior when counting name frequencies in a small batch. */
const FREQUENCY_PRIOR_WEIGHT = 200;
const FREQUENCY_PRIOR = 0.02;

/** Name-word frequencies counted over the batch, smoothed towards the population prior. */
export function nameFrequencies(persons: readonly PreparedPerson[]): (key: string) => number {
  const counts = new Map<string, number>();
  for (const person of persons) {
    for (const key of new Set(person.words.map((w) => w.frequencyKey))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const n = persons.length;
  return (key) => ((counts.get(key) ?? 0) + FREQUENCY_PRIOR_WEIGHT * FREQUENCY_PRIOR) / (n + FREQUENCY_PRIOR_WEIGHT);
}

/** Calls `visit(i, j)` once for each pair of records (i < j) sharing a blocking key: the only pairs scored. */
export function forEachCandidatePair(persons: readonly PreparedPerson[], visit: (i: number, j: number) => void): void {
  const blocks = new Map<string, number[]>();
  persons.forEach((person, index) => {
    for (const key of storedKeysOf(person)) {
      let block = blocks.get(key);
      if (!block) blocks.set(key, (block = []));
      block.push(index);
    }
  });
  // lastPairedWith[j] === i: j was already visited for i (cheaper than a set per record).
  const lastPairedWith = new Int32Array(persons.length).fill(-1);
  persons.forEach((person, i) => {
    for (const key of queryKeysOf(person)) {
      const block = blocks.get(key);
      if (!block || block.length > MAX_BLOCK_SIZE) continue;
      for (const j of block) {
        if (j <= i || lastPairedWith[j] === i) continue;
        lastPairedWith[j] = i;
        visit(i, j);
      }
    }
  });
}

/** Pairs of records that share a blocking key, as index pairs. */
export function candidatePairs(persons: readonly PreparedPerson[]): [number, number][] {
  const pairs: [number, number][] = [];
  forEachCandidatePair(persons, (i, j) => pairs.push([i, j]));
  return pairs;
}

/**
 * Every pair of records judged to be the same person at `threshold`, best first. Pairs above the
 * threshold are taken best first and join their clusters unless the facts of some record of one
 * cluster contradict those of some record of the other (birth dates, sex): an undated "Hodan
 * Warsama" must not chain two namesakes born 30 years apart into one person, as the transitive
 * closure of raw pairs would. The pairs returned are those whose records end in one cluster.
 */
export function matchPersons(input: readonly MatchPerson[], threshold = DEFAULT_MATCH_THRESHOLD): MatchedPair[] {
  const persons = input.map(preparePerson);
  const options: ScoreOptions = { nameFrequency: nameFrequencies(persons) };
  const differentPeople = (x: number, y: number): boolean => contradicts(persons[x]!, persons[y]!);
  const scored: ScoredPair[] = [];
  const bounds = Float64Array.from(persons, (person) => nameWeightBound(person, options));
  const floor = logOddsFloor(threshold);
  forEachCandidatePair(persons, (i, j) => {
    const logOdds = pairLogOddsAbove(persons[i]!, persons[j]!, options, floor, bounds[i]!, bounds[j]!);
    if (logOdds < floor) return;
    const score = scoreOfLogOdds(logOdds);
    if (score >= threshold) scored.push({ a: persons[i]!.id, b: persons[j]!.id, score, reasons: [], i, j, logOdds });
  });
  const ambiguous = ambiguousRecords(scored, differentPeople);
  const kept = scored.filter((p) => !ambiguous.has(p.i) && !ambiguous.has(p.j));
  kept.sort((p, q) => q.score - p.score || p.i - q.i || p.j - q.j);
  const clusterOf = new Map<number, number[]>();
  const members = (i: number): number[] => {
    let cluster = clusterOf.get(i);
    if (!cluster) clusterOf.set(i, (cluster = [i]));
    return cluster;
  };
  // Two clusters joined by one pair must be one person on the whole, not only at the pair: a
  // record naming a woman with her father and grandfather (Halimo Warsame Abdullahi) agrees with
  // a Halimo Warsame and with a Halimo Abdullahi who are two women.
  const holdTogether = (left: readonly number[], right: readonly number[]): boolean => {
    if (left.length === 1 && right.length === 1) return true;
    let sum = 0;
    for (const x of left) for (const y of right) sum += pairLogOdds(persons[x]!, persons[y]!, options);
    return sum / (left.length * right.length) >= AVERAGE_LINK_FLOOR;
  };
  const merge = (into: number[], from: number[]): void => {
    for (const y of from) {
      into.push(y);
      clusterOf.set(y, into);
    }
  };
  const accepted: MatchedPair[] = [];
  for (const { i, j, logOdds: _logOdds, ...pair } of kept) {
    const left = members(i);
    const right = members(j);
    if (left !== right) {
      if (left.some((x) => right.some((y) => differentPeople(x, y)))) continue;
      if (!holdTogether(left, right)) continue;
      merge(left, right);
    }
    accepted.push({ ...pair, reasons: scorePair(persons[i]!, persons[j]!, options).reasons });
  }
  for (const { i, j, logOdds: _logOdds, ...pair } of resolveAmbiguous(scored, ambiguous, members, merge, differentPeople, holdTogether)) {
    accepted.push({ ...pair, reasons: scorePair(persons[i]!, persons[j]!, options).reasons });
  }
  return accepted.sort((p, q) => q.score - p.score || (p.a < q.a ? -1 : p.a > q.a ? 1 : p.b < q.b ? -1 : 1));
}

/**
 * A log-odds below which no pair can reach `threshold`, with room to spare for the rounding of
 * reported scores (a score is rounded to four decimals, so a threshold near 1 is met early).
 */
function logOddsFloor(threshold: number): number {
  if (threshold <= 0) return Number.NEGATIVE_INFINITY;
  const t = Math.min(threshold, 0.99);
  return Math.log(t / (1 - t)) - 0.01;
}

interface ScoredPair extends MatchedPair {
  i: number;
  j: number;
  logOdds: number;
}

/**
 * How much more likely the best of two conflicting candidates must be for a record to be linked
 * to it: e² ≈ 7 times. Below that the record is ambiguous (an undated "Natalia Shevchenko" beside
 * three namesakes born years apart) and is linked to none, since a wrong merge is worse than a
 * missed one.
 */
export const AMBIGUITY_MARGIN = 2;

/** The mean log-odds over all pairs of two clusters below which they are not joined. */
const AVERAGE_LINK_FLOOR = 0;

/** How much each further registration of one person adds to the evidence for linking a record to it. */
const CORROBORATION = 0.5;
/** How much better than any conflicting cluster the best must be: the same e² as between single records. */
const CLUSTER_MARGIN = AMBIGUITY_MARGIN;

/**
 * A record ambiguous between single records may not be ambiguous between persons: three
 * registrations of one woman, all close to it, against one namesake born elsewhere. Once the
 * clear pairs have formed clusters, each ambiguous record (strongest first) is weighed against
 * clusters: the best pair into a cluster plus a share of the others. It joins the best cluster
 * when that beats every conflicting cluster by the margin and contradicts none of its records.
 * Returns the pairs by which ambiguous records joined a cluster (all their pairs into it).
 */
function resolveAmbiguous(
  scored: readonly ScoredPair[],
  ambiguous: ReadonlySet<number>,
  members: (i: number) => number[],
  merge: (into: number[], from: number[]) => void,
  differentPeople: (x: number, y: number) => boolean,
  holdTogether: (left: readonly number[], right: readonly number[]) => boolean,
): ScoredPair[] {
  const pairsOf = new Map<number, ScoredPair[]>();
  for (const pair of scored) {
    for (const self of [pair.i, pair.j]) {
      if (!ambiguous.has(self)) continue;
      let list = pairsOf.get(self);
      if (!list) pairsOf.set(self, (list = []));
      list.push(pair);
    }
  }
  const order = [...pairsOf.entries()]
    .map(([self, list]) => ({ self, list, best: Math.max(...list.map((p) => p.logOdds)) }))
    .sort((x, y) => y.best - x.best || x.self - y.self);
  const joined: ScoredPair[] = [];
  for (const { self, list } of order) {
    const own = members(self);
    const byCluster = new Map<number[], ScoredPair[]>();
    for (const pair of list) {
      const cluster = members(pair.i === self ? pair.j : pair.i);
      if (cluster === own) continue;
      let pairs = byCluster.get(cluster);
      if (!pairs) byCluster.set(cluster, (pairs = []));
      pairs.push(pair);
    }
    const weighed = [...byCluster.entries()].map(([cluster, pairs]) => {
      const odds = pairs.map((p) => p.logOdds).sort((x, y) => y - x);
      return { cluster, pairs, evidence: odds[0]! + CORROBORATION * odds.slice(1).reduce((sum, x) => sum + x, 0) };
    });
    weighed.sort((x, y) => y.evidence - x.evidence || Math.min(...x.cluster) - Math.min(...y.cluster));
    const best = weighed[0];
    if (!best) continue;
    const rivals = weighed.slice(1).filter((w) => best.evidence - w.evidence < CLUSTER_MARGIN);
    if (rivals.some((w) => w.cluster.some((x) => best.cluster.some((y) => differentPeople(x, y))))) continue;
    if (own.some((x) => best.cluster.some((y) => differentPeople(x, y))) || !holdTogether(own, best.cluster)) continue;
    merge(own, best.cluster);
    joined.push(...best.pairs);
  }
  return joined;
}

function ambiguousRecords(scored: readonly ScoredPair[], differentPeople: (x: number, y: number) => boolean): Set<number> {
  const partners = new Map<number, { other: number; logOdds: number }[]>();
  for (const pair of scored) {
    for (const [self, other] of [[pair.i, pair.j], [pair.j, pair.i]] as const) {
      let list = partners.get(self);
      if (!list) partners.set(self, (list = []));
      list.push({ other, logOdds: pair.logOdds });
    }
  }
  const ambiguous = new Set<number>();
  for (const [self, list] of partners) {
    if (list.length < 2) continue;
    list.sort((p, q) => q.logOdds - p.logOdds);
    const best = list[0]!;
    if (list.slice(1).some((p) => best.logOdds - p.logOdds < AMBIGUITY_MARGIN && differentPeople(best.other, p.other))) ambiguous.add(self);
  }
  return ambiguous;
}

/** Groups of ids linked by pairs, directly or through others (the transitive closure). */
export function clustersOf(pairs: readonly { a: string; b: string }[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    let node = x;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const { a, b } of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    let group = groups.get(root);
    if (!group) groups.set(root, (group = []));
    group.push(id);
  }
  return [...groups.values()].map((g) => g.sort());
}

export interface PairwiseQuality {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
}

function pairsWithin(clusters: readonly (readonly string[])[]): Set<string> {
  const out = new Set<string>();
  for (const cluster of clusters) {
    const sorted = [...cluster].sort();
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) out.add(`${sorted[i]}\u0000${sorted[j]}`);
  }
  return out;
}

/** Pairwise precision, recall and F1 of predicted pairs (after transitive closure) against true clusters. */
export function pairwiseQuality(predicted: readonly { a: string; b: string }[], truth: readonly (readonly string[])[]): PairwiseQuality {
  const predictedPairs = pairsWithin(clustersOf(predicted));
  const truePairs = pairsWithin(truth);
  let correct = 0;
  for (const pair of predictedPairs) if (truePairs.has(pair)) correct++;
  const precision = predictedPairs.size === 0 ? 1 : correct / predictedPairs.size;
  const recall = truePairs.size === 0 ? 1 : correct / truePairs.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePairs: truePairs.size, predictedPairs: predictedPairs.size, correctPairs: correct };
}
