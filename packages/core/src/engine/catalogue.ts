import {
  TRAFFICKING_INDICATORS,
  type AssistanceType,
  type BaselineObligationCode,
  type GuardedAction,
  type Indicator,
  type ServiceType,
} from '../codes.js';
import type { JsonLogicRule } from './logic.js';
import type { IsoDuration } from './time.js';

// The baseline catalogue: the Protocol floor of DOMAIN.md section 5, as data. The engine reads
// these entries generically; nothing elsewhere knows what any one obligation is about, except
// the guard table below (section 6), which is data too.

/** Where a deadline counts from. `detention` falls back to the encounter when nobody was detained. */
export const DEADLINE_BASES = ['encounter', 'detention'] as const;
export type DeadlineBase = (typeof DEADLINE_BASES)[number];

/** Roles a person can hold in a justice link. */
export const JUSTICE_ROLES = ['victim', 'witness'] as const;
export type JusticeRole = (typeof JUSTICE_ROLES)[number];

/** What discharges an obligation. Each key is one kind of record; an obligation may need several. */
export interface Fulfilment {
  /** Assistance of these types given to the person. */
  assistance?: AssistanceType[];
  /** A referral to this service (or each of these services). */
  referral?: ServiceType | ServiceType[];
  /** The referral needs the person's consent, recorded per purpose and recipient. */
  withConsent?: true;
  /** The assistance is given in a language the person understands. */
  inLanguageUnderstood?: true;
  /** A justice link with the person in this role. */
  justiceLink?: JusticeRole;
  /** The detention is ended. */
  detentionEnded?: true;
  /** An incident is recorded. */
  incidentRecorded?: true;
  /** Standing: no record discharges it; it holds while its trigger does, and guards read it. */
  standing?: true;
}

/** Any obligation code: the baseline's, or one a jurisdiction profile adds. */
export type ObligationCode = BaselineObligationCode | (string & {});

/** One obligation of the catalogue, as data. */
export interface ObligationDefinition {
  code: ObligationCode;
  /** What the obligation asks of the State, in one line of plain words. */
  summary: string;
  /** Legal basis, most specific first. */
  basis: readonly string[];
  /** When the obligation is listed: a JSON Logic rule over the facts (see facts.ts). */
  trigger: JsonLogicRule;
  fulfilledBy: Fulfilment;
  /** Referrals named in `fulfilledBy` that apply only when their rule holds. */
  referralWhen?: Partial<Record<ServiceType, JsonLogicRule>>;
  /** When the input already shows the obligation done, so it is listed `fulfilled` (rule 4). */
  fulfilledWhen?: JsonLogicRule;
  /** ISO 8601 duration (or milliseconds), or null for a standing obligation (no deadline, `dueBy: null`). */
  deadline: IsoDuration | number | null;
  base: DeadlineBase;
  /** Guarded actions refused while this obligation is open (for added obligations; see BASELINE_GUARDS). */
  blocks?: readonly GuardedAction[];
}

/** A rule that holds when any of these flags holds. */
export function anyFlag(...flags: readonly Indicator[]): JsonLogicRule {
  const tests = flags.map((flag) => ({ in: [flag, { var: 'flags' }] }));
  return tests.length === 1 ? (tests[0] as JsonLogicRule) : { or: tests };
}

/** A rule that holds when this flag holds. */
export function flag(code: Indicator): JsonLogicRule {
  return { in: [code, { var: 'flags' }] };
}

/** A rule that holds when the obligation is listed. */
export function listed(code: ObligationCode): JsonLogicRule {
  return { in: [code, { var: 'obligations' }] };
}

/** A rule that holds when the obligation is listed and open (guards only). */
export function open(code: ObligationCode): JsonLogicRule {
  return { in: [code, { var: 'openObligations' }] };
}

const EVERY_PERSON: JsonLogicRule = true;

export const BASELINE_OBLIGATIONS: readonly ObligationDefinition[] = [
  {
    code: 'life.emergency_care',
    summary: 'Give emergency medical care, whatever the person’s status.',
    basis: ['art 16(1)', 'ICCPR 6'],
    trigger: flag('medical_emergency'),
    fulfilledBy: { assistance: ['emergency_medical'] },
    deadline: 'PT1H',
    base: 'encounter',
  },
  {
    code: 'assist.basic_needs',
    summary: 'Give water, food and shelter to a person whose life or safety the smuggling endangered.',
    basis: ['art 16(3)'],
    trigger: flag('endangered'),
    fulfilledBy: { assistance: ['water', 'food', 'shelter'] },
    deadline: 'PT12H',
    base: 'encounter',
  },
  {
    code: 'assist.medical_care',
    summary: 'Refer the person to health care.',
    basis: ['art 16(3)', 'ICESCR 12'],
    trigger: anyFlag('medical_need', 'injured', 'pregnant'),
    fulfilledBy: { referral: 'health' },
    deadline: 'PT72H',
    base: 'encounter',
  },
  {
    code: 'protect.from_violence',
    summary: 'Take a physical protection measure against violence, including retaliation by smugglers.',
    basis: ['art 16(2)'],
    trigger: anyFlag('retaliation_risk', 'crime_victim', 'violence_survivor', 'sexual_violence_survivor'),
    fulfilledBy: { assistance: ['protection_measure'] },
    deadline: 'PT24H',
    base: 'encounter',
  },
  {
    code: 'justice.victim_rights',
    summary: 'Inform the victim of their rights and, with consent, refer them to victim support.',
    basis: ['art 16(2)', 'seed 17'],
    trigger: anyFlag('crime_victim', 'violence_survivor', 'sexual_violence_survivor', 'torture_survivor'),
    fulfilledBy: { assistance: ['rights_information'], referral: 'victim_support', withConsent: true },
    deadline: 'P7D',
    base: 'encounter',
  },
  {
    code: 'justice.witness_support',
    summary: 'Link the witness to the proceedings and keep them able to take part; protect them when threatened.',
    basis: ['seed 15', 'seed 18'],
    trigger: flag('witness'),
    fulfilledBy: { justiceLink: 'witness', referral: 'witness_protection' },
    referralWhen: { witness_protection: flag('retaliation_risk') },
    deadline: 'P7D',
    base: 'encounter',
  },
  {
    code: 'children.best_interests',
    summary: 'Refer the child to child protection for a best-interests determination.',
    basis: ['art 16(4)', 'CRC 3'],
    trigger: flag('child'),
    fulfilledBy: { referral: 'child_protection' },
    fulfilledWhen: { var: 'bestInterestsDetermined' },
    deadline: 'PT24H',
    base: 'encounter',
  },
  {
    code: 'children.guardian',
    summary: 'Have a guardian appointed for the child travelling without their parents or usual caregiver.',
    basis: ['art 16(4)', 'CRC 20'],
    trigger: anyFlag('unaccompanied_child', 'separated_child'),
    fulfilledBy: { referral: 'guardianship' },
    deadline: 'PT72H',
    base: 'encounter',
  },
  {
    code: 'children.no_detention',
    summary: 'End the detention of the child.',
    basis: ['art 16(4)', 'CRC 37'],
    // Listed for a child with any detention record, so an ended detention shows as fulfilled.
    trigger: { and: [flag('child'), { var: 'detentionRecorded' }] },
    fulfilledBy: { detentionEnded: true },
    fulfilledWhen: { var: 'detentionEnded' },
    deadline: 'PT24H',
    base: 'detention',
  },
  {
    code: 'women.specific_needs',
    summary: 'Refer the woman to maternal health care when pregnant and to GBV services after sexual violence.',
    basis: ['art 16(4)'],
    trigger: { and: [flag('female'), anyFlag('pregnant', 'sexual_violence_survivor')] },
    fulfilledBy: { referral: ['maternal_health', 'gbv_services'] },
    referralWhen: { maternal_health: flag('pregnant'), gbv_services: flag('sexual_violence_survivor') },
    deadline: 'PT72H',
    base: 'encounter',
  },
  {
    code: 'consular.inform_rights',
    summary: 'Inform the detained person of their right to have their consulate notified and to communicate with it.',
    basis: ['art 16(5)', 'VCCR 36(1)(b)'],
    trigger: { var: 'detained' },
    fulfilledBy: { assistance: ['consular_rights_information'] },
    deadline: 'PT24H',
    base: 'detention',
  },
  {
    code: 'consular.notify_post',
    summary: 'Notify the consular post of the person’s detention.',
    basis: ['VCCR 36(1)(b)'],
    // Mandatory notification never overrides the confidentiality owed to someone who fears return.
    trigger: {
      and: [
        { var: 'detained' },
        {
          or: [
            { '==': [{ var: 'consular' }, 'requested'] },
            { and: [{ var: 'consularNotificationMandatory' }, { '!': listed('protection.confidentiality') }] },
          ],
        },
      ],
    },
    fulfilledBy: { referral: 'consular' },
    deadline: 'PT24H',
    base: 'detention',
  },
  {
    code: 'protection.asylum_referral',
    summary: 'Refer the person to the asylum procedure.',
    basis: ['art 19(1)', '1951 Conv. 33'],
    trigger: anyFlag('fear_of_return', 'asylum_intent'),
    fulfilledBy: { referral: 'asylum' },
    fulfilledWhen: { in: [{ var: 'asylumClaim' }, ['lodged', 'granted', 'rejected_final']] },
    deadline: 'PT72H',
    base: 'encounter',
  },
  {
    code: 'protection.non_refoulement',
    summary: 'Do not return the person to where their life or freedom would be threatened.',
    basis: ['art 19(1)'],
    trigger: anyFlag('fear_of_return', 'asylum_intent', 'torture_survivor'),
    fulfilledBy: { standing: true },
    // A final rejection ends the protection, except for a survivor of torture (absolute prohibition).
    fulfilledWhen: { and: [{ '==': [{ var: 'asylumClaim' }, 'rejected_final'] }, { '!': flag('torture_survivor') }] },
    deadline: null,
    base: 'encounter',
  },
  {
    code: 'protection.confidentiality',
    summary: 'Share nothing about the person with the authorities of the country they fear.',
    basis: ['art 19(1)'],
    trigger: anyFlag('fear_of_return', 'asylum_intent'),
    fulfilledBy: { standing: true },
    deadline: null,
    base: 'encounter',
  },
  {
    code: 'trafficking.referral',
    summary: 'Refer the person to the anti-trafficking mechanism for identification and protection.',
    basis: ['art 19(1)', 'seed 17'],
    trigger: anyFlag(...TRAFFICKING_INDICATORS),
    fulfilledBy: { referral: 'anti_trafficking' },
    deadline: 'PT48H',
    base: 'encounter',
  },
  {
    code: 'health.mhpss',
    summary: 'Refer the person to mental health and psychosocial support.',
    basis: ['ICESCR 12'],
    trigger: anyFlag('psychological_distress', 'torture_survivor', 'sexual_violence_survivor'),
    fulfilledBy: { referral: 'mhpss' },
    deadline: 'P7D',
    base: 'encounter',
  },
  {
    code: 'family.tracing',
    summary: 'Refer the person to family tracing.',
    basis: ['art 16 good practice'],
    trigger: anyFlag('family_separated', 'relative_missing_or_dead'),
    fulfilledBy: { referral: 'family_tracing' },
    deadline: 'P7D',
    base: 'encounter',
  },
  {
    code: 'life.death_or_disappearance',
    summary: 'Record the death or disappearance of the relative as an incident, so it is investigated.',
    basis: ['art 16(1)'],
    trigger: flag('relative_missing_or_dead'),
    fulfilledBy: { incidentRecorded: true },
    deadline: 'P7D',
    base: 'encounter',
  },
  {
    code: 'info.rights',
    summary: 'Inform the person of their rights in a language they understand.',
    basis: ['good practice', 'Model Law'],
    trigger: EVERY_PERSON,
    fulfilledBy: { assistance: ['rights_information'], inLanguageUnderstood: true },
    deadline: 'PT24H',
    base: 'encounter',
  },
  {
    code: 'protection.non_criminalization',
    summary: 'Do not prosecute the person for the fact of having been smuggled.',
    basis: ['art 5'],
    trigger: EVERY_PERSON,
    fulfilledBy: { standing: true },
    deadline: null,
    base: 'encounter',
  },
  {
    code: 'info.interpretation',
    summary: 'Provide an interpreter.',
    basis: ['good practice'],
    trigger: flag('needs_interpreter'),
    fulfilledBy: { assistance: ['interpretation'] },
    deadline: 'PT24H',
    base: 'encounter',
  },
  {
    code: 'disability.support',
    summary: 'Refer the person to disability support.',
    basis: ['CRPD'],
    trigger: anyFlag('disability', 'older_person'),
    fulfilledBy: { referral: 'disability_support' },
    deadline: 'P7D',
    base: 'encounter',
  },
];

/** One reason a guarded action is refused: an obligation, and when it holds the action back. */
export interface GuardBlocker {
  obligation: ObligationCode;
  /** A JSON Logic rule over the facts, where `obligations` and `openObligations` are final. */
  when: JsonLogicRule;
}

export interface GuardDefinition {
  action: GuardedAction;
  /** What the action is, in plain words. */
  meaning: string;
  blockers: readonly GuardBlocker[];
}

/** The four guards of DOMAIN.md section 6 (rule 7), in the order they are reported. */
export const BASELINE_GUARDS: readonly GuardDefinition[] = [
  {
    action: 'return',
    meaning: 'removal to the country of origin or a third country',
    blockers: [
      { obligation: 'protection.non_refoulement', when: open('protection.non_refoulement') },
      { obligation: 'children.best_interests', when: open('children.best_interests') },
      { obligation: 'trafficking.referral', when: anyFlag(...TRAFFICKING_INDICATORS) },
    ],
  },
  {
    action: 'share_with_origin_state',
    meaning: 'consular notification, or data given to the authorities of the person’s nationality',
    blockers: [
      {
        obligation: 'protection.confidentiality',
        // The person's own request for their consulate lifts confidentiality for that purpose.
        when: { and: [listed('protection.confidentiality'), { '!=': [{ var: 'consular' }, 'requested'] }] },
      },
    ],
  },
  {
    action: 'detain',
    meaning: 'detention of the person',
    // A child is never detained, whether or not they are detained now.
    blockers: [{ obligation: 'children.no_detention', when: flag('child') }],
  },
  {
    action: 'charge_for_being_smuggled',
    meaning: 'a criminal charge for the fact of having been smuggled',
    blockers: [{ obligation: 'protection.non_criminalization', when: true }],
  },
];
