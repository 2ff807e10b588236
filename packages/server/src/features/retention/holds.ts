import type { Queryable } from '../../platform/db/database.js';

// What keeps a person's record past its retention period and despite an erasure request: a hold
// recorded with its reason, an investigation or prosecution still open (or suspended, so it can
// resume) in which the person is a victim or witness, or an allegation of failure to assist
// concerning them that the oversight body has not closed.

export type Hold =
  | { kind: 'recorded'; holdId: string; placedAt: string; placedBy: string }
  | { kind: 'investigation'; investigationId: string; reference: string; status: string; role: string }
  | { kind: 'allegation'; allegationId: string; status: string };

/** One line, without personal data: it is stored with a refused erasure request and shown to staff. */
export function describeHold(hold: Hold): string {
  switch (hold.kind) {
    case 'recorded':
      return `a legal hold placed on ${hold.placedAt.slice(0, 10)} (its reason is with the hold)`;
    case 'investigation':
      return `the ${hold.status} investigation ${hold.reference}, in which the person is a ${hold.role}`;
    case 'allegation':
      return `an allegation of failure to assist concerning the person, still ${hold.status.replace(/_/g, ' ')}`;
  }
}

/** Every hold standing on one person now. */
export async function holdsOn(q: Queryable, personId: string): Promise<Hold[]> {
  return (await holdsOnMany(q, [personId])).get(personId) ?? [];
}

/** Holds per person, for a batch of persons (three queries, whatever the batch size). */
export async function holdsOnMany(q: Queryable, personIds: readonly string[]): Promise<Map<string, Hold[]>> {
  const holds = new Map<string, Hold[]>();
  if (personIds.length === 0) return holds;
  const add = (personId: string, hold: Hold) => holds.set(personId, [...(holds.get(personId) ?? []), hold]);
  const ids = [...personIds];
  const recorded = await q
    .selectFrom('legal_holds')
    .select(['id', 'person_id', 'placed_at', 'placed_by'])
    .where('person_id', 'in', ids)
    .where('released_at', 'is', null)
    .orderBy('placed_at')
    .execute();
  for (const row of recorded) add(row.person_id, { kind: 'recorded', holdId: row.id, placedAt: row.placed_at, placedBy: row.placed_by });
  const justice = await q
    .selectFrom('justice_links')
    .innerJoin('investigations', 'investigations.id', 'justice_links.investigation_id')
    .select(['justice_links.person_id', 'justice_links.role', 'investigations.id', 'investigations.reference', 'investigations.status'])
    .where('justice_links.person_id', 'in', ids)
    .where('investigations.status', 'in', ['open', 'suspended'])
    .orderBy('investigations.created_at')
    .execute();
  for (const row of justice) add(row.person_id, { kind: 'investigation', investigationId: row.id, reference: row.reference, status: row.status, role: row.role });
  const allegations = await q
    .selectFrom('allegations')
    .select(['id', 'person_id', 'status'])
    .where('person_id', 'in', ids)
    .where('status', '!=', 'closed')
    .orderBy('created_at')
    .execute();
  for (const row of allegations) if (row.person_id) add(row.person_id, { kind: 'allegation', allegationId: row.id, status: row.status });
  return holds;
}

/**
 * Recorded holds with what is shown beside them: the placing agency's name, the investigation a
 * hold was placed for, and the agency that may release it — that investigation's agency, or else
 * the agency that placed it (the oversight body may release any).
 */
export function legalHoldRecords(q: Queryable) {
  return q
    .selectFrom('legal_holds')
    .innerJoin('agencies as placing', 'placing.id', 'legal_holds.agency_id')
    .leftJoin('investigations', 'investigations.id', 'legal_holds.investigation_id')
    .leftJoin('agencies as investigating', 'investigating.id', 'investigations.agency_id')
    .selectAll('legal_holds')
    .select(['placing.name as agency_name', 'investigations.reference as investigation_reference', 'investigations.agency_id as investigation_agency_id', 'investigating.name as investigation_agency_name']);
}

export type LegalHoldRecord = Awaited<ReturnType<ReturnType<typeof legalHoldRecords>['executeTakeFirstOrThrow']>>;

/** The agency that may release a hold besides the oversight body, with its name. */
export function releasingAgency(hold: LegalHoldRecord): { agencyId: string; agencyName: string } {
  return hold.investigation_agency_id
    ? { agencyId: hold.investigation_agency_id, agencyName: hold.investigation_agency_name ?? '' }
    : { agencyId: hold.agency_id, agencyName: hold.agency_name };
}
