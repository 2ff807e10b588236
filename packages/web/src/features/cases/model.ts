
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
