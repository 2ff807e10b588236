import type { AggravatingCircumstance, IncidentKind, IncidentStatus, IncidentView, InvestigationKind, InvestigationStatus, InvestigationView, JusticeLinkView, JusticeRole, ProtectionMeasureStatus, ProtectionMeasureType, ProtectionMeasureView, SmugglingOffence } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { IncidentTable, InvestigationTable, JusticeLinkTable, ProtectionMeasureTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';

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
    version: row.version,
  };
}

export function linkView(row: JusticeLinkTable, investigation: InvestigationTable, measures: ProtectionMeasureView[]): JusticeLinkView {
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

export async function findInvestigation(q: Queryable, id: string): Promise<InvestigationTable | undefined> {
  return q.selectFrom('investigations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findLink(q: Queryable, id: string): Promise<JusticeLinkTable | undefined> {
  return q.selectFrom('justice_links').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findMeasure(q: Queryable, id: string): Promise<ProtectionMeasureTable | undefined> {
  return q.selectFrom('protection_measures').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findIncident(q: Queryable, id: string): Promise<IncidentTable | undefined> {
  return q.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An agency's investigations, newest first, after the cursor. */
export async function listInvestigationRows(q: Queryable, agencyId: string, status: InvestigationStatus | undefined, cursor: Cursor | undefined, limit: number): Promise<InvestigationTable[]> {
  let query = q.selectFrom('investigations').selectAll().where('agency_id', '=', agencyId);
  if (status) query = query.where('status', '=', status);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Links with their investigation and measures, in the order given (oldest first). */
export async function linkViews(q: Queryable, cipher: FieldCipher, links: readonly JusticeLinkTable[]): Promise<JusticeLinkView[]> {
  if (links.length === 0) return [];
  const investigationIds = [...new Set(links.map((l) => l.investigation_id))];
  const investigations = new Map((await q.selectFrom('investigations').selectAll().where('id', 'in', investigationIds).execute()).map((i) => [i.id, i]));
  const measures = await q
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
      link,
      investigations.get(link.investigation_id)!,
      measures.filter((m) => m.justice_link_id === link.id).map((m) => measureView(cipher, m)),
    ),
  );
}

export async function linkRowsOfPerson(q: Queryable, personId: string): Promise<JusticeLinkTable[]> {
  return q.selectFrom('justice_links').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function linkRowsOfInvestigation(q: Queryable, investigationId: string): Promise<JusticeLinkTable[]> {
  return q.selectFrom('justice_links').selectAll().where('investigation_id', '=', investigationId).orderBy('created_at').orderBy('id').execute();
}

export async function incidentRows(q: Queryable, filter: { personId: string } | { investigationId: string }): Promise<IncidentTable[]> {
  let query = q.selectFrom('incidents').selectAll();
  query = 'personId' in filter ? query.where('person_id', '=', filter.personId) : query.where('investigation_id', '=', filter.investigationId);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Whether a unique constraint refused the write (a concurrent duplicate), on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
