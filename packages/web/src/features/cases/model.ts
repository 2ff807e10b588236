
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

/** What fulfils an open obligation, as the case page offers it: the forms that do it, and what is done elsewhere. */
export interface ObligationActions {
  /** Assistance of one of these types, recorded on this page. */
  assistance: string[];
  /** A referral to one of these services, made on this page. */
  referral: string[];
  /** Done outside this page: a justice link (its role), the end of a detention, an incident recorded. */
  elsewhere: ('justice_link' | 'detention' | 'incident')[];
  /** No record discharges it: a protection that stands while its trigger holds. */
  standing: boolean;
}

/** Reads an obligation's `fulfilledBy` (the engine's catalogue entry, sent as it is) into the actions that fulfil it. */
export function obligationActions(fulfilledBy: unknown): ObligationActions {
  const by = typeof fulfilledBy === 'object' && fulfilledBy !== null ? (fulfilledBy as Record<string, unknown>) : {};
  const strings = (value: unknown): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const elsewhere: ObligationActions['elsewhere'] = [];
  if (typeof by.justiceLink === 'string') elsewhere.push('justice_link');
  if (by.detentionEnded === true) elsewhere.push('detention');
  if (by.incidentRecorded === true) elsewhere.push('incident');
  return { assistance: strings(by.assistance), referral: strings(by.referral), elsewhere, standing: by.standing === true };
}
