export { romaniseWord, nameWords, type RomanisedWord } from './romanise.js';
export { phoneticForms, skeletonOf, coarseKeysOf, formSimilarity, type PhoneticForm } from './phonetic.js';
export {
  matchPersonSchema,
  preparePerson,
  storedKeysOf,
  queryKeysOf,
  BIRTH_YEAR_TOLERANCE,
  type MatchPerson,
  type PreparedPerson,
  type NameWord,
  type BirthDate,
} from './person.js';
export { scorePair, DEFAULT_MATCH_THRESHOLD, type PairScore, type ScoreOptions } from './score.js';
export { matchReasonSchema, recordedBirthSchema, describeReason, type MatchReason, type MatchReasonCode, type RecordedBirth } from './reasons.js';
export { matchPersons, candidatePairs, nameFrequencies, clustersOf, pairwiseQuality, MAX_BLOCK_SIZE, type MatchedPair, type PairwiseQuality } from './match.js';
export { syntheticPersons, syntheticTruth, renderName, seededRandom, type SyntheticPerson, type SyntheticOptions } from './synthetic.js';
