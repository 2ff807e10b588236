import type { AggravatingCircumstance, IncidentKind, IncidentStatus, IncidentView, InvestigationKind, InvestigationStatus, InvestigationView, JusticeLinkView, JusticeRole, ProtectionMeasureStatus, ProtectionMeasureType, ProtectionMeasureView, SmugglingOffence } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { IncidentTable, InvestigationTable, JusticeLinkTable, ProtectionMeasureTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { forbidden, notFound, unprocessable } from '../../platform/http/problem.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

// Rows of the justice tables and how the API shows them. Free text (measure notes, incident
// descriptions) is encrypted, bound to its table, column and row.

export type { InvestigationView, ProtectionMeasureView, JusticeLinkView, IncidentView } from '@haven/core';

export function investigationView(row: InvestigationTable): InvestigationView {
  return {
    id: row.id,
    reference: row.reference,
    agencyId: row.agency_id,
    kind: row.kind as InvestigationKind,
    offence: row.offence as SmugglingOffence,
    aggravating: JSON.parse(row.aggravating) as AggravatingCircumstance[],
    status: row.status as InvestigationStatus,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const measureNotesPlace = (id: string): string => placeOf('protection_measures', 'notes_enc', id);
export const incidentDescriptionPlace = (id: string): string => placeOf('incidents', 'description_enc', id);

export function measureView(cipher: FieldCipher, row: ProtectionMeasureTable): ProtectionMeasureView {
  return {
    id: row.id,
    justiceLinkId: row.justice_link_id,
    type: row.type as ProtectionMeasureType,
    status: row.status as ProtectionMeasureStatus,
    notes: cipher.decryptNullable(row.notes_enc, measureNotesPlace(row.id)),
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    reviewOn: row.review_on,
    version: row.version,
  };
}

export const reachHowPlace = (id: string): string => placeOf('justice_links', 'reach_how_enc', id);

export function linkView(cipher: FieldCipher, row: JusticeLinkTable, investigation: InvestigationTable, measures: ProtectionMeasureView[]): JusticeLinkView {
  return {
    id: row.id,
    personId: row.person_id,
    investigationId: row.investigation_id,
    investigation: {
      reference: investigation.reference,
      agencyId: investigation.agency_id,
      kind: investigation.kind as InvestigationKind,
      status: investigation.status as InvestigationStatus,
    },
    role: row.role as JusticeRole,
    reachable: row.reachable === 1,
    reachHow: cipher.decryptNullable(row.reach_how_enc, reachHowPlace(row.id)),
    reachConfirmedAt: row.reach_confirmed_at,
    measures,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function incidentView(cipher: FieldCipher, row: IncidentTable): IncidentView {
  return {
    id: row.id,
    kind: row.kind as IncidentKind,
    personId: row.person_id,
    investigationId: row.investigation_id,
    agencyId: row.agency_id,
    occurredAt: row.occurred_at,
    place: row.place,
    description: cipher.decryptNullable(row.description_enc, incidentDescriptionPlace(row.id)),
    status: row.status as IncidentStatus,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function findInvestigation(unit: StoreUnit, id: string): Promise<InvestigationTable | undefined> {
  return unit.db.selectFrom('investigations').selectAll().where('id', '=', id).executeTakeFirst();
}

async function findLink(unit: StoreUnit, id: string): Promise<JusticeLinkTable | undefined> {
  return unit.db.selectFrom('justice_links').selectAll().where('id', '=', id).executeTakeFirst();
}

async function findMeasure(unit: StoreUnit, id: string): Promise<ProtectionMeasureTable | undefined> {
  return unit.db.selectFrom('protection_measures').selectAll().where('id', '=', id).executeTakeFirst();
}

async function findIncident(unit: StoreUnit, id: string): Promise<IncidentTable | undefined> {
  return unit.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- who reaches what: the justice scope, on the caller's unit ---------------------------------

/** An investigation of the caller's agency; any other is not found (its existence is not revealed). */
export async function ownInvestigation(unit: ScopedUnit, id: string): Promise<InvestigationTable> {
  const row = await findInvestigation(unit, id);
  if (!row || row.agency_id !== unit.actor.agencyId) throw notFound('investigation');
  return row;
}

/** An investigation named in a request body: it must exist, or the request cannot be accepted. */
export async function namedInvestigation(unit: StoreUnit, id: string): Promise<InvestigationTable> {
  const row = await findInvestigation(unit, id);
  if (!row) throw unprocessable('investigationId', 'no such investigation');
  return row;
}

/**
 * A justice link reached by its id, for one of its two parties: the agency working on the
 * person's case (case managers) and the agency of the investigation (investigators). Anyone else
 * who can see the person is refused; those who cannot do not learn the link exists.
 */
export async function linkAsParty(unit: ScopedUnit, linkId: string): Promise<{ link: JusticeLinkTable; investigation: InvestigationTable }> {
  const { actor } = unit;
  const link = await findLink(unit, linkId);
  if (!link) throw notFound('justice link');
  const investigation = (await findInvestigation(unit, link.investigation_id))!;
  if (actor.permissions.has('case:manage') && (await unit.worksOnCase(link.person_id))) return { link, investigation };
  if (actor.permissions.has('justice:write') && investigation.agency_id === actor.agencyId) return { link, investigation };
  if (!(await unit.groupsOf(link.person_id)) && investigation.agency_id !== actor.agencyId) throw notFound('justice link');
  throw forbidden('Only the agency working on the case or the agency of the investigation may change this link.');
}

/** A protection measure reached by its id, for the agency of its investigation alone (else not found). */
export async function measureOfOwnInvestigation(unit: ScopedUnit, measureId: string): Promise<ProtectionMeasureTable> {
  const measure = await findMeasure(unit, measureId);
  const link = measure && (await findLink(unit, measure.justice_link_id));
  const investigation = link && (await findInvestigation(unit, link.investigation_id));
  if (!measure || !investigation || investigation.agency_id !== unit.actor.agencyId) throw notFound('protection measure');
  return measure;
}

/**
 * An incident reached by its id, for who may change it: the agency that recorded it, the one
 * working on the case, or the agency of its investigation; refused to others who see the person,
 * not found for the rest.
 */
export async function incidentAsParty(unit: ScopedUnit, incidentId: string): Promise<IncidentTable> {
  const { actor } = unit;
  const incident = await findIncident(unit, incidentId);
  if (!incident) throw notFound('incident');
  if (incident.agency_id === actor.agencyId) return incident;
  if (incident.person_id && (await unit.worksOnCase(incident.person_id))) return incident;
  if (incident.investigation_id && (await findInvestigation(unit, incident.investigation_id))?.agency_id === actor.agencyId) return incident;
  if (incident.person_id && (await unit.groupsOf(incident.person_id))) throw forbidden('Only the agency that recorded it, the one working on the case or the investigating agency may change this incident.');
  throw notFound('incident');
}

/**
 * The justice links of a person the caller reads: all of them for the agency working on the case,
 * else (an agency reading through a justice link) its own investigations' links only.
 */
export async function visibleLinkRowsOfPerson(unit: ScopedUnit, personId: string): Promise<JusticeLinkTable[]> {
  const links = await unit.db.selectFrom('justice_links').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
  if (await unit.worksOnCase(personId)) return links;
  const own = new Set((await unit.db.selectFrom('investigations').select('id').where('agency_id', '=', unit.actor.agencyId).execute()).map((i) => i.id));
  return links.filter((l) => own.has(l.investigation_id));
}

/** For oversight: whether an incident exists and whose it is, without reading it. */
export async function incidentPerson(unit: StoreUnit, incidentId: string): Promise<{ personId: string | null } | undefined> {
  const row = await unit.db.selectFrom('incidents').select('person_id').where('id', '=', incidentId).executeTakeFirst();
  return row && { personId: row.person_id };
}

// ---- investigations ----------------------------------------------------------------------------

export async function investigationReferenceTaken(unit: StoreUnit, agencyId: string, reference: string): Promise<boolean> {
  const existing = await unit.db.selectFrom('investigations').select('id').where('agency_id', '=', agencyId).where('reference', '=', reference).executeTakeFirst();
  return existing !== undefined;
}

export async function insertInvestigation(unit: StoreUnit, row: InvestigationTable): Promise<void> {
  await unit.db.insertInto('investigations').values(row).execute();
}

export async function updateInvestigation(unit: StoreUnit, row: InvestigationTable, set: Partial<InvestigationTable>, at: string): Promise<InvestigationTable> {
  await unit.updateVersioned({ table: 'investigations', id: row.id, version: row.version, set, recordType: 'investigation', at });
  return (await findInvestigation(unit, row.id))!;
}

/** The caller agency's investigations, newest first, after the cursor. */
export async function listInvestigationRows(unit: ScopedUnit, status: InvestigationStatus | undefined, cursor: Cursor | undefined, limit: number): Promise<InvestigationTable[]> {
  let query = unit.db.selectFrom('investigations').selectAll().where('agency_id', '=', unit.actor.agencyId);
  if (status) query = query.where('status', '=', status);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Investigations a case manager may link their person to: every agency's, not closed, with the agency's name (no personal data). */
export async function linkableInvestigationRows(unit: StoreUnit): Promise<(InvestigationTable & { agency_name: string })[]> {
  return unit.db
    .selectFrom('investigations')
    .innerJoin('agencies', 'agencies.id', 'investigations.agency_id')
    .selectAll('investigations')
    .select('agencies.name as agency_name')
    .where('investigations.status', '!=', 'closed')
    .orderBy('investigations.reference')
    .orderBy('investigations.id')
    .limit(1000)
    .execute();
}

// ---- justice links and protection measures ---------------------------------------------------

export async function linkOf(unit: StoreUnit, investigationId: string, personId: string, role: string): Promise<JusticeLinkTable | undefined> {
  return unit.db
    .selectFrom('justice_links')
    .selectAll()
    .where('investigation_id', '=', investigationId)
    .where('person_id', '=', personId)
    .where('role', '=', role)
    .executeTakeFirst();
}

export async function isLinked(unit: StoreUnit, investigationId: string, personId: string, role: string): Promise<boolean> {
  const existing = await unit.db
    .selectFrom('justice_links')
    .select('id')
    .where('investigation_id', '=', investigationId)
    .where('person_id', '=', personId)
    .where('role', '=', role)
    .executeTakeFirst();
  return existing !== undefined;
}

export async function insertLink(unit: StoreUnit, link: JusticeLinkTable): Promise<void> {
  await unit.db.insertInto('justice_links').values(link).execute();
}

export async function updateLink(unit: StoreUnit, link: JusticeLinkTable, set: Partial<JusticeLinkTable>, at: string): Promise<JusticeLinkTable> {
  await unit.updateVersioned({ table: 'justice_links', id: link.id, version: link.version, set, recordType: 'justice link', at });
  return (await findLink(unit, link.id))!;
}

export async function insertMeasure(unit: StoreUnit, row: ProtectionMeasureTable): Promise<void> {
  await unit.db.insertInto('protection_measures').values(row).execute();
}

/** A measure changes by its one decision and by its review date, each conditional on the version read. */
export async function updateMeasure(unit: StoreUnit, measure: ProtectionMeasureTable, set: Partial<ProtectionMeasureTable>): Promise<ProtectionMeasureTable> {
  await unit.updateVersioned({ table: 'protection_measures', id: measure.id, version: measure.version, set, recordType: 'protection measure' });
  return (await findMeasure(unit, measure.id))!;
}

/** Links with their investigation and measures, in the order given (oldest first). */
export async function linkViews(unit: StoreUnit, links: readonly JusticeLinkTable[]): Promise<JusticeLinkView[]> {
  if (links.length === 0) return [];
  const investigationIds = [...new Set(links.map((l) => l.investigation_id))];
  const investigations = new Map((await unit.db.selectFrom('investigations').selectAll().where('id', 'in', investigationIds).execute()).map((i) => [i.id, i]));
  const measures = await unit.db
    .selectFrom('protection_measures')
    .selectAll()
    .where(
      'justice_link_id',
      'in',
      links.map((l) => l.id),
    )
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
  return links.map((link) =>
    linkView(
      unit.platform.cipher,
      link,
      investigations.get(link.investigation_id)!,
      measures.filter((m) => m.justice_link_id === link.id).map((m) => measureView(unit.platform.cipher, m)),
    ),
  );
}

export async function linkRowsOfInvestigation(unit: StoreUnit, investigationId: string): Promise<JusticeLinkTable[]> {
  return unit.db.selectFrom('justice_links').selectAll().where('investigation_id', '=', investigationId).orderBy('created_at').orderBy('id').execute();
}

// ---- incidents ---------------------------------------------------------------------------------

export async function incidentRows(unit: StoreUnit, filter: { personId: string } | { investigationId: string }): Promise<IncidentTable[]> {
  let query = unit.db.selectFrom('incidents').selectAll();
  query = 'personId' in filter ? query.where('person_id', '=', filter.personId) : query.where('investigation_id', '=', filter.investigationId);
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function insertIncident(unit: StoreUnit, row: IncidentTable): Promise<void> {
  await unit.db.insertInto('incidents').values(row).execute();
}

export async function updateIncident(unit: StoreUnit, row: IncidentTable, set: Partial<IncidentTable>, at: string): Promise<IncidentTable> {
  await unit.updateVersioned({ table: 'incidents', id: row.id, version: row.version, set, recordType: 'incident', at });
  return (await findIncident(unit, row.id))!;
}

/** Whether a unique constraint refused the write (a concurrent duplicate), on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Re-points these justice links to another person (a merge of duplicate records, or its undoing). */
export async function moveJusticeLinks(unit: StoreUnit, linkIds: readonly string[], toPersonId: string): Promise<void> {
  if (linkIds.length > 0) await unit.db.updateTable('justice_links').set({ person_id: toPersonId }).where('id', 'in', [...linkIds]).execute();
}

/** A purge: destroys these encrypted columns of the person's incidents; answers how many rows had them. */
export async function eraseIncidentsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('incidents').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'incidents', ids, columns);
  return ids.length;
}

/** A purge: destroys these encrypted columns of the protection measures of the person's justice links; answers how many rows had them. */
export async function eraseProtectionMeasuresOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const rows = await unit.db
    .selectFrom('protection_measures')
    .select('protection_measures.id')
    .where('justice_link_id', 'in', unit.db.selectFrom('justice_links').select('id').where('person_id', '=', personId))
    .execute();
  const ids = rows.map((row) => row.id);
  await destroyCiphertexts(unit, 'protection_measures', ids, columns);
  return ids.length;
}

/** A purge: destroys these encrypted columns of the person's justice links (how to reach them); answers how many rows had them. */
export async function eraseJusticeLinksOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('justice_links').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'justice_links', ids, columns);
  return ids.length;
}
