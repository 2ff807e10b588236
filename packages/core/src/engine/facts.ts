import {
  ACCOMPANIMENTS,
  ASYLUM_CLAIM_STATES,
  CONSULAR_CHOICES,
  ENCOUNTER_TYPES,
  INDICATORS,
  SEXES,
  type Accompaniment,
  type AsylumClaimState,
  type ConsularChoice,
  type EncounterType,
  type Indicator,
  type Sex,
} from '../codes.js';
import type { AssessInput } from './input.js';

// The facts object: what every trigger, status rule and guard rule of the catalogue (and of a
// jurisdiction profile) sees. Rules are JSON Logic over these names, e.g.
//   {"in": ["pregnant", {"var": "flags"}]}
//   {"and": [{"var": "detained"}, {"==": [{"var": "consular"}, "requested"]}]}

/** The asylum claim states that count as `asylum_intent` for every trigger (rule 3). */
export const CLAIMS_COUNTING_AS_INTENT: readonly AsylumClaimState[] = ['intended', 'lodged', 'granted'];

export interface Facts {
  /** The output's flags (rule 1), plus `asylum_intent` when the asylum claim counts as intent (rule 3). */
  flags: readonly Indicator[];
  encounterType: EncounterType | null;
  sex: Sex | null;
  age: number | null;
  ageClaimed: number | null;
  accompaniment: Accompaniment | null;
  /** ISO 3166-1 alpha-2, `stateless`, `unknown`, or null when not given. */
  nationality: string | null;
  languages: readonly string[];
  /** `detention.since` is set and `detention.until` is not (rule 2). */
  detained: boolean;
  /** There is a detention record at all, ongoing or ended. */
  detentionRecorded: boolean;
  /** The detention record has an end. */
  detentionEnded: boolean;
  /** `not_asked` when the input does not say. */
  consular: ConsularChoice;
  /** `none` when the input does not say. */
  asylumClaim: AsylumClaimState;
  bestInterestsDetermined: boolean;
  /** The nationality is on the profile's mandatory consular notification list. */
  consularNotificationMandatory: boolean;
  /** Codes of the obligations listed for this person (a trigger sees those it refers to, evaluated first). */
  obligations: string[];
  /** Codes of the listed obligations that are open; only guard rules see this one. */
  openObligations: string[];
}

export type FactName = keyof Facts;

export interface FactDescription {
  /** What the fact means, for the generated documentation. */
  meaning: string;
  /** The values it can take, when it is an enumeration or a list of codes. */
  values?: readonly string[];
  /** Only guard rules see it. */
  guardsOnly?: true;
}

/** The documented facts; a rule naming anything else is refused when the profile is loaded. */
export const FACTS: Readonly<Record<FactName, FactDescription>> = {
  flags: {
    meaning:
      'list of indicator codes: the flags of the output, plus `asylum_intent` when the asylum claim is intended, lodged or granted',
    values: INDICATORS,
  },
  encounterType: { meaning: 'type of the encounter, or null', values: ENCOUNTER_TYPES },
  sex: { meaning: 'sex of the person, or null', values: SEXES },
  age: { meaning: 'assessed age in years, or null' },
  ageClaimed: { meaning: 'age the person claims, in years, or null' },
  accompaniment: { meaning: 'who the person travels with, or null', values: ACCOMPANIMENTS },
  nationality: { meaning: 'nationality claimed (ISO 3166-1 alpha-2, `stateless` or `unknown`), or null' },
  languages: { meaning: 'list of ISO 639 codes of the languages the person speaks' },
  detained: { meaning: 'true while detained: a detention start and no end' },
  detentionRecorded: { meaning: 'true when there is any detention record, ongoing or ended' },
  detentionEnded: { meaning: 'true when the detention record has an end' },
  consular: { meaning: 'the person’s consular choice (`not_asked` when not given)', values: CONSULAR_CHOICES },
  asylumClaim: { meaning: 'state of the asylum claim (`none` when not given)', values: ASYLUM_CLAIM_STATES },
  bestInterestsDetermined: { meaning: 'true when a best-interests determination is recorded' },
  consularNotificationMandatory: {
    meaning: 'true when the nationality is on the profile’s mandatory consular notification list',
  },
  obligations: { meaning: 'list of the codes of the obligations listed for this person' },
  openObligations: { meaning: 'list of the codes of the listed obligations that are open', guardsOnly: true },
};

/** Whether the person is a child: under 18, or claiming to be while the age is unknown or disputed (rule 1). */
export function isChild(input: AssessInput): boolean {
  const person = input.person;
  if (!person) return false;
  const age = person.age;
  if (age != null && age < 18) return true;
  const claimed = person.ageClaimed;
  return (age == null || person.ageDisputed === true) && claimed != null && claimed < 18;
}

const INDICATOR_INDEX: Readonly<Record<Indicator, number>> = Object.fromEntries(
  INDICATORS.map((code, index) => [code, index]),
) as Record<Indicator, number>;

/** The flags of rule 1, in the canonical order of the indicator codes. */
export function deriveFlags(input: AssessInput): Indicator[] {
  // Positions in INDICATORS, kept in order: a person has a handful of flags out of thirty-odd.
  const positions: number[] = [];
  const mark = (code: Indicator) => {
    // Insertion in order, skipping repeats: cheaper than sorting a list this short.
    const position = INDICATOR_INDEX[code];
    let at = positions.length;
    while (at > 0 && (positions[at - 1] as number) > position) at--;
    if (at > 0 && positions[at - 1] === position) return;
    positions.splice(at, 0, position);
  };
  for (const code of input.indicators ?? []) mark(code);
  const person = input.person;
  if (input.encounterType === 'rescue_at_sea') mark('endangered');
  if (person) {
    if (isChild(input)) {
      mark('child');
      if (person.accompaniment === 'unaccompanied') mark('unaccompanied_child');
      if (person.accompaniment === 'separated') mark('separated_child');
    }
    if (person.ageDisputed === true) mark('age_disputed');
    if (person.age != null && person.age >= 60) mark('older_person');
    if (person.sex === 'female') mark('female');
  }
  return positions.map((position) => INDICATORS[position] as Indicator);
}

const NO_LANGUAGES: readonly string[] = Object.freeze([]);

/** Builds the facts every rule sees; `obligations` and `openObligations` start empty and fill as the engine goes. */
export function deriveFacts(
  input: AssessInput,
  flags: readonly Indicator[],
  mandatoryNotification: ReadonlySet<string>,
): Facts {
  const person = input.person;
  const asylumClaim = input.asylumClaim ?? 'none';
  // Rules only read the facts, so the lists are shared with the input rather than copied.
  const triggerFlags =
    CLAIMS_COUNTING_AS_INTENT.includes(asylumClaim) && !flags.includes('asylum_intent') ? [...flags, 'asylum_intent' as const] : flags;
  const since = input.detention?.since ?? null;
  const until = input.detention?.until ?? null;
  const nationality = person?.nationality ?? null;
  return {
    flags: triggerFlags,
    encounterType: input.encounterType ?? null,
    sex: person?.sex ?? null,
    age: person?.age ?? null,
    ageClaimed: person?.ageClaimed ?? null,
    accompaniment: person?.accompaniment ?? null,
    nationality,
    languages: person?.languages ?? NO_LANGUAGES,
    detained: since !== null && until === null,
    detentionRecorded: since !== null,
    detentionEnded: since !== null && until !== null,
    consular: input.consular ?? 'not_asked',
    asylumClaim,
    bestInterestsDetermined: input.bestInterestsDetermined === true,
    consularNotificationMandatory: nationality !== null && mandatoryNotification.has(nationality),
    obligations: [],
    openObligations: [],
  };
}
