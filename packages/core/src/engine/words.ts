import type { AssistanceType, GuardedAction, Indicator, ServiceType } from '../codes.js';
import type { Fulfilment } from './catalogue.js';
import type { FactName } from './facts.js';
import { isLogic, operationOf, type JsonLogicRule } from './logic.js';

// Plain English for the codes, shared by `explain` (for officers) and the generated
// docs/obligations.md (for everyone). Each indicator phrase completes "the person …".

export const INDICATOR_WORDS: Readonly<Record<Indicator, string>> = {
  child: 'is a child',
  unaccompanied_child: 'is a child travelling without any adult responsible for them (unaccompanied)',
  separated_child: 'is a child separated from their parents or usual caregiver',
  age_disputed: 'has an age that is disputed',
  older_person: 'is 60 or older',
  female: 'is female',
  medical_emergency: 'needs emergency medical care',
  medical_need: 'has a medical need',
  injured: 'is injured',
  pregnant: 'is pregnant',
  disability: 'has a disability',
  psychological_distress: 'shows psychological distress',
  violence_survivor: 'has survived violence',
  sexual_violence_survivor: 'has survived sexual violence',
  torture_survivor: 'has survived torture',
  crime_victim: 'is a victim of crime',
  retaliation_risk: 'is at risk of retaliation by the smugglers',
  witness: 'is a witness against the smugglers',
  fear_of_return: 'fears return to their country',
  asylum_intent: 'wants to seek asylum',
  stateless: 'is stateless',
  family_separated: 'has been separated from their family',
  relative_missing_or_dead: 'has a relative who went missing or died on the journey',
  needs_interpreter: 'needs an interpreter',
  endangered: 'had their life or safety endangered by the smuggling',
  trafficking_debt_bondage: 'is held by a debt (a trafficking indicator)',
  trafficking_documents_withheld: 'has had their identity documents taken by others (a trafficking indicator)',
  trafficking_forced_labour: 'was forced to work (a trafficking indicator)',
  trafficking_sexual_exploitation: 'was sexually exploited (a trafficking indicator)',
  trafficking_deception: 'was deceived about the work or the conditions (a trafficking indicator)',
  trafficking_movement_restricted: 'cannot move freely (a trafficking indicator)',
  trafficking_controlled_by_others: 'is controlled by others (a trafficking indicator)',
};

export const SERVICE_WORDS: Readonly<Record<ServiceType, string>> = {
  emergency_medical: 'emergency medical services',
  health: 'health care',
  maternal_health: 'maternal health care',
  mhpss: 'mental health and psychosocial support',
  shelter: 'a shelter',
  legal_aid: 'legal aid',
  asylum: 'the asylum procedure',
  anti_trafficking: 'the anti-trafficking mechanism',
  child_protection: 'child protection',
  guardianship: 'guardianship',
  gbv_services: 'services for survivors of gender-based violence',
  victim_support: 'victim support',
  witness_protection: 'witness protection',
  family_tracing: 'family tracing',
  consular: 'the consular post of their country',
  interpretation: 'interpretation services',
  disability_support: 'disability support',
  voluntary_return: 'assisted voluntary return',
};

export const ASSISTANCE_WORDS: Readonly<Record<AssistanceType, string>> = {
  emergency_medical: 'emergency medical care',
  water: 'water',
  food: 'food',
  shelter: 'shelter',
  clothing: 'clothing',
  protection_measure: 'a physical protection measure',
  rights_information: 'information on their rights',
  consular_rights_information: 'information on their consular rights',
  interpretation: 'an interpreter',
};

/** Labels of the facts, for sentences such as "the asylum claim is lodged". */
export const FACT_WORDS: Readonly<Record<FactName, string>> = {
  flags: 'flags',
  encounterType: 'encounter type',
  sex: 'sex',
  age: 'age',
  ageClaimed: 'claimed age',
  accompaniment: 'accompaniment',
  nationality: 'nationality',
  languages: 'languages',
  detained: 'detained',
  detentionRecorded: 'any detention record',
  detentionEnded: 'the detention has ended',
  consular: 'consular choice',
  asylumClaim: 'asylum claim',
  bestInterestsDetermined: 'a best-interests determination is recorded',
  consularNotificationMandatory: 'the nationality is on the profile’s mandatory consular notification list',
  obligations: 'listed obligations',
  openObligations: 'open obligations',
};

const code = (text: string) => `\`${text}\``;

/** "a, b and c" (or "a, b or c"). */
export function listWords(items: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] as string}`;
}

export interface FulfilmentContext {
  /** Languages the person speaks, to say which ones "a language they understand" means. */
  languages?: readonly string[];
  /** Guarded actions a standing obligation refuses. */
  refuses?: readonly GuardedAction[];
  /** Conditions, in words, of referrals that apply only sometimes. */
  referralWhen?: Partial<Record<ServiceType, string>>;
}

/** What discharges an obligation, in words: "a referral to guardianship". */
export function describeFulfilment(fulfilment: Fulfilment, context: FulfilmentContext = {}): string {
  const languages = context.languages ?? [];
  if (fulfilment.standing) {
    const refuses = context.refuses ?? [];
    return `no record: it is standing${refuses.length > 0 ? `, and while it holds it refuses ${listWords(refuses)}` : ''}`;
  }
  const parts: string[] = [];
  if (fulfilment.assistance) {
    let given = `providing ${listWords(fulfilment.assistance.map((type) => ASSISTANCE_WORDS[type]))}`;
    if (fulfilment.inLanguageUnderstood) {
      given += ` in a language they understand${languages.length > 0 ? ` (${languages.join(', ')})` : ''}`;
    }
    parts.push(given);
  }
  if (fulfilment.justiceLink) parts.push(`linking them to the criminal proceedings as a ${fulfilment.justiceLink}`);
  if (fulfilment.referral) {
    const services = typeof fulfilment.referral === 'string' ? [fulfilment.referral] : fulfilment.referral;
    const named = services.map((service) => {
      const when = context.referralWhen?.[service];
      return when ? `${SERVICE_WORDS[service]} (when ${when})` : SERVICE_WORDS[service];
    });
    let referral = `a referral to ${listWords(named)}`;
    if (fulfilment.withConsent) referral += ' (with their consent)';
    parts.push(referral);
  }
  if (fulfilment.detentionEnded) parts.push('ending the detention');
  if (fulfilment.incidentRecorded) parts.push('recording an incident, so it is investigated');
  return listWords(parts);
}

function factName(rule: JsonLogicRule | undefined): string | null {
  if (!isLogic(rule)) return null;
  const [operation, args] = operationOf(rule);
  return operation === 'var' && typeof args[0] === 'string' ? args[0] : null;
}

function literal(value: JsonLogicRule | undefined): string {
  return typeof value === 'string' ? code(value) : code(JSON.stringify(value));
}

/** A rule in words, for the documentation: "`medical_need`, `injured` or `pregnant`". */
export function describeRule(rule: JsonLogicRule): string {
  return describe(rule, false);
}

function describe(rule: JsonLogicRule, nested: boolean): string {
  if (rule === true) return 'every person';
  if (rule === false) return 'never';
  if (!isLogic(rule)) return literal(rule);
  const [operation, args] = operationOf(rule);
  const wrap = (text: string) => (nested ? `(${text})` : text);
  switch (operation) {
    case 'var': {
      const name = factName(rule);
      return name && name in FACT_WORDS ? FACT_WORDS[name as FactName] : code(String(args[0]));
    }
    case 'or':
    case 'and':
      return wrap(listWords(args.map((arg) => describe(arg, true)), operation));
    case '!': {
      const inner = args[0] ?? null;
      if (isLogic(inner)) {
        const [innerOperation, innerArgs] = operationOf(inner);
        if (innerOperation === 'in' && factName(innerArgs[1]) === 'obligations') return `${literal(innerArgs[0])} does not stand`;
      }
      return `not ${describe(inner, true)}`;
    }
    case 'in': {
      const [needle, haystack] = args;
      const within = factName(haystack);
      if (within === 'flags') return literal(needle);
      if (within === 'obligations') return `${literal(needle)} stands`;
      if (within === 'openObligations') return `${literal(needle)} is open`;
      const fact = factName(needle);
      if (fact && Array.isArray(haystack)) {
        return `${FACT_WORDS[fact as FactName] ?? code(fact)} is ${listWords(haystack.map(literal), 'or')}`;
      }
      break;
    }
    case '==':
    case '===':
    case '!=':
    case '!==': {
      const [a, b] = args;
      const fact = factName(a);
      if (fact) {
        const negated = operation.startsWith('!');
        return `${FACT_WORDS[fact as FactName] ?? code(fact)} is ${negated ? 'not ' : ''}${literal(b)}`;
      }
      break;
    }
  }
  return code(JSON.stringify(rule));
}
