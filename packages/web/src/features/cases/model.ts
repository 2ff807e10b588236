import type { CaseStage, FieldGroup, GuardedAction, ReferralStatus, ServiceType } from '@haven/core';
import type { TFunction } from 'i18next';

// What the case screens read, as the server's routes return it (packages/server/src/features/*/routes.ts).

/** `GET /api/cases`: one line of the agency's case list. */
export interface CaseListItem {
  caseId: string;
  personId: string;
  stage: CaseStage;
  officerId: string | null;
  officerName: string | null;
  riskLevel: string | null;
  createdAt: string;
  updatedAt: string;
  person: PersonFields;
  obligations: { open: number; overdue: number; nextDueBy: string | null; nextCode: string | null; standing: string[] };
}

/** A person's fields: only those of the groups the caller may see are present. */
export interface PersonFields {
  givenName?: string;
  familyName?: string;
  nameScript?: string;
  transliterations?: { givenName?: string; familyName?: string; script?: string }[];
  aliases?: string[];
  otherNames?: string[];
  sex?: string;
  birthDate?: string;
  birthDatePrecision?: string;
  ageClaimed?: number;
  ageDisputed?: boolean;
  nationality?: string;
  languages?: string[];
  accompaniment?: string;
  phone?: string;
  address?: string;
}

export interface Person {
  id: string;
  version: number;
  fieldGroups: FieldGroup[];
  fields: PersonFields;
}

export interface Case {
  id: string;
  personId: string;
  officerId: string | null;
  stage: CaseStage;
  stageReason: string | null;
  riskLevel: string | null;
  consular: string;
  asylumClaim: string;
  bestInterestsDetermined: boolean;
  version: number;
  updatedAt: string;
}

export interface Obligation {
  id: string;
  code: string;
  /** `overdue` is open with its deadline passed (the server derives it when it answers). */
  status: 'open' | 'overdue' | 'fulfilled' | 'waived' | 'lapsed';
  basis: string[];
  dueBy: string | null;
  fulfilment: { type: string; id: string | null; at: string } | null;
  waiver: { by: string; reason: string; at: string } | null;
  version: number;
}

export type Guards = Record<GuardedAction, { allowed: boolean; blockedBy: string[] }>;

export interface Assessment {
  referrals: { service: ServiceType; obligations: string[]; dueBy: string | null }[];
}

export interface Screening {
  id: string;
  version: number;
  indicators: string[];
  /** Present only for those who may read statements. */
  statement?: string | null;
  statementLanguage: string | null;
  screenedAt: string;
}

export interface Assistance {
  id: string;
  type: string;
  givenAt: string;
  place: string | null;
  language: string | null;
  notes: string | null;
}

export interface Referral {
  id: string;
  reference: string;
  personId: string;
  service: ServiceType;
  urgency: string;
  status: ReferralStatus;
  obligations: string[];
  dueBy: string | null;
  sharedGroups: FieldGroup[];
  reason: string | null;
  declineReason: string | null;
  feedback: string | null;
  sentAt: string | null;
  acceptedAt: string | null;
  completedAt: string | null;
  endedAt: string | null;
  allowedActions: ('send' | 'accept' | 'decline' | 'start' | 'complete' | 'close' | 'revoke')[];
  version: number;
}

export interface Proposal {
  area: string;
  provider: { id: string; agencyId: string; name: string; area: string; languages: string[] } | null;
  problem: string | null;
  obligations: string[];
  dueBy: string | null;
  sharedGroups: FieldGroup[];
  consentId: string | null;
}

/** A person's name as recorded, or undefined when there is none (or it is not shared). */
export function personName(fields: PersonFields | undefined): string | undefined {
  const name = [fields?.givenName, fields?.familyName].filter(Boolean).join(' ');
  return name || undefined;
}

/**
 * A short, stable label for a person without a recorded name: the id's last eight characters.
 * Ids are time-ordered (UUID version 7), so their first characters are the same for everyone
 * registered together; the end is random.
 */
export { shortReference as shortId } from '../../app/reference';

/** An obligation's name in words; a code a jurisdiction's profile added shows as it is. */
export function obligationName(t: TFunction, code: string): string {
  return t(`cases.obligationCodes.${code}`, { defaultValue: code });
}

/** Is this open obligation past its deadline at `now`? (The server's status may be a few seconds old.) */
export function isOverdue(obligation: Pick<Obligation, 'status' | 'dueBy'>, now: Date): boolean {
  if (obligation.status === 'overdue') return true;
  return obligation.status === 'open' && obligation.dueBy !== null && Date.parse(obligation.dueBy) < now.getTime();
}
