
// What the case screens read: the server's answers, as core's response schemas declare them.
export type {
  AssessmentView as Assessment,
  AssistanceView as Assistance,
  CaseListItem,
  CaseListPage,
  CaseView as Case,
  Guards,
  ObligationView as Obligation,
  PersonFields,
  PersonView as Person,
  ReferralProposal as Proposal,
  ReferralView as Referral,
  ScreeningView as Screening,
} from '@haven/core/schemas';
import type { Permission } from '@haven/core/codes';
import type { CaseListPerson, ObligationView, PersonFields } from '@haven/core/schemas';

/** A person's name as recorded, or undefined when there is none (or it is not shared). */
export function personName(fields: PersonFields | CaseListPerson | undefined): string | undefined {
  const name = [fields?.givenName, fields?.familyName].filter(Boolean).join(' ');
  return name || undefined;
}

/**
 * A short, stable label for a person without a recorded name: the id's last eight characters.
 * Ids are time-ordered (UUID version 7), so their first characters are the same for everyone
 * registered together; the end is random.
 */
export { shortReference as shortId } from '../../app/reference';

/** An obligation's title, from the one place every screen takes it. */
export { obligationTitle as obligationName } from '../../app/obligations';

/** Is this open obligation past its deadline at `now`? (The server's status may be a few seconds old.) */
export function isOverdue(obligation: Pick<ObligationView, 'status' | 'dueBy'>, now: Date): boolean {
  if (obligation.status === 'overdue') return true;
  return obligation.status === 'open' && obligation.dueBy !== null && Date.parse(obligation.dueBy) < now.getTime();
}

/**
 * A record other than assistance or a referral that fulfils an obligation, each made by its own form
 * on the case page: the end of a detention, the notification sent to the consular post, the person
 * linked to an investigation (as witness), the incident recorded, the age assessment.
 */
export type RecordAction = 'detention_end' | 'consular_notification' | 'justice_link' | 'incident' | 'age_assessment';

/** What fulfils an open obligation, as the case page offers it: the forms that do it. */
export interface ObligationActions {
  /** Assistance of one of these types, recorded on this page. */
  assistance: string[];
  /** A referral to one of these services, made on this page. */
  referral: string[];
  /** Another record that fulfils it, each made on this page by its own form. */
  record: RecordAction[];
  /** No record discharges it: a protection that stands while its trigger holds. */
  standing: boolean;
}

/** Reads an obligation's `fulfilledBy` (the engine's catalogue entry, sent as it is) into the actions that fulfil it. */
export function obligationActions(fulfilledBy: unknown): ObligationActions {
  const by = typeof fulfilledBy === 'object' && fulfilledBy !== null ? (fulfilledBy as Record<string, unknown>) : {};
  const strings = (value: unknown): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const record: RecordAction[] = [];
  let referral = strings(by.referral);
  // The notification sent to the post is what delivers a consular "referral" (the server counts it so):
  // the officer records the notification, not a referral to a provider.
  if (referral.includes('consular')) {
    referral = referral.filter((service) => service !== 'consular');
    record.push('consular_notification');
  }
  if (typeof by.justiceLink === 'string') record.push('justice_link');
  if (by.detentionEnded === true) record.push('detention_end');
  if (by.incidentRecorded === true) record.push('incident');
  return { assistance: strings(by.assistance), referral, record, standing: by.standing === true };
}

/** What a to-do's button asks the case page to open, prefilled; each press is a new ask (`attempt`). */
export type CaseAction =
  | { kind: 'assist'; type: string }
  | { kind: 'refer'; service: string }
  | { kind: 'record'; what: RecordAction; obligation: string };
export type CaseAsk<A extends CaseAction = CaseAction> = A & { attempt: number };

/** The ask for one record form, or undefined when the ask is for another form. */
export function askFor(asked: CaseAsk | undefined, what: RecordAction): CaseAsk<Extract<CaseAction, { kind: 'record' }>> | undefined {
  return asked?.kind === 'record' && asked.what === what ? asked : undefined;
}

/** Who may make each record that fulfils an obligation (the server's permission for its route). */
export const RECORD_PERMISSION: Record<RecordAction, Permission> = {
  detention_end: 'detention:record',
  consular_notification: 'case:manage',
  justice_link: 'case:manage',
  incident: 'incident:write',
  age_assessment: 'case:manage',
};

/** Every action that fulfils the obligation and the caller may take, in the order the to-do offers them. */
export function actionsFor(obligation: Pick<ObligationView, 'code' | 'fulfilledBy'>, permissions: readonly Permission[]): CaseAction[] {
  const actions = obligationActions(obligation.fulfilledBy);
  return [
    ...(permissions.includes('assistance:write') ? actions.assistance.map((type): CaseAction => ({ kind: 'assist', type })) : []),
    ...(permissions.includes('referral:send') ? actions.referral.map((service): CaseAction => ({ kind: 'refer', service })) : []),
    ...actions.record.filter((what) => permissions.includes(RECORD_PERMISSION[what])).map((what): CaseAction => ({ kind: 'record', what, obligation: obligation.code })),
  ];
}

/** An action as one word pair, `assist-water`, `refer-guardianship`, `record-detention_end` (keys and test ids). */
export const actionKey = (action: CaseAction) => `${action.kind}-${action.kind === 'assist' ? action.type : action.kind === 'refer' ? action.service : action.what}`;

/** The button's words for an action ("Record: Emergency medical care", "Refer: Guardianship", "Record the end of the detention"). */
export function actionLabel(t: (key: string, options?: Record<string, unknown>) => string, action: CaseAction): string {
  if (action.kind === 'assist') return t('cases.todo.assist', { what: t(`cases.assistanceTypes.${action.type}`, { defaultValue: action.type }) });
  if (action.kind === 'refer') return t('cases.todo.refer', { service: t(`cases.services.${action.service}`, { defaultValue: action.service }) });
  return t(`cases.todo.record.${action.what}`);
}

/** The search parameter by which a work queue opens a case on the form that fulfils one obligation (its id). */
export const ACT_PARAMETER = 'act';
