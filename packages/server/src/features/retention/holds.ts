import type { LegalHoldRecord } from './store.js';

// What keeps a person's record past its retention period and despite an erasure request: a hold
// recorded with its reason, an investigation or prosecution still open (or suspended, so it can
// resume) in which the person is a victim or witness, or an allegation of failure to assist
// concerning them that the oversight body has not closed.

export type Hold =
  | { kind: 'recorded'; holdId: string; placedAt: string; placedBy: string }
  | { kind: 'investigation'; investigationId: string; reference: string; status: string; role: string }
  | { kind: 'allegation'; allegationId: string; status: string };

/** One line, without personal data: it is stored with a refused erasure request and shown to staff (the web app reads these shapes back to translate them: features/cases/holds.ts). */
export function describeHold(hold: Hold): string {
  switch (hold.kind) {
    case 'recorded':
      return `a legal hold placed on ${hold.placedAt.slice(0, 10)} (its reason is with the hold)`;
    case 'investigation':
      return `the ${hold.status} investigation ${hold.reference}, in which the person is a ${hold.role}`;
    case 'allegation':
      return `a complaint of failure to assist concerning the person, still ${hold.status.replace(/_/g, ' ')}`;
  }
}

/** The agency that may release a hold besides the oversight body, with its name. */
export function releasingAgency(hold: LegalHoldRecord): { agencyId: string; agencyName: string } {
  return hold.investigation_agency_id
    ? { agencyId: hold.investigation_agency_id, agencyName: hold.investigation_agency_name ?? '' }
    : { agencyId: hold.agency_id, agencyName: hold.agency_name };
}
