import { randomUUID } from 'node:crypto';
import type { IncidentChange, IncidentInput, IncidentStatus, InvestigationChange, InvestigationDetail, InvestigationInput, InvestigationStatus, JusticeLinkInput, PersonJustice, ProtectionMeasureDecision, ProtectionMeasureInput } from '@haven/core';
import { assertWorksOnCase, personFieldGroups, visibleGroupsOrThrow, worksOnCase } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import type { IncidentTable, InvestigationTable, JusticeLinkTable } from '../../platform/db/schema.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { conflict, forbidden, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import { assertNotFuture } from '../assistance/service.js';
import { refreshObligations } from '../obligations/refresh.js';
import { actorOf } from '../../platform/access/actor.js';
import {
  findIncident,
  findInvestigation,
  findLink,
  findMeasure,
  incidentDescriptionPlace,
  incidentRows,
  incidentView,
  investigationView,
  isUniqueViolation,
  linkRowsOfInvestigation,
  linkRowsOfPerson,
  linkViews,
  listInvestigationRows,
  measureNotesPlace,
  measureView,
  type IncidentView,
  type InvestigationView,
  type JusticeLinkView,
  type ProtectionMeasureView,
} from './store.js';

/** What the agency of an investigation may see of a person linked to it: never health. */
export const JUSTICE_LINK_FIELD_GROUPS = ['identity', 'contact', 'justice'] as const;

const INVESTIGATION_MOVES: Readonly<Record<InvestigationStatus, readonly InvestigationStatus[]>> = {
  open: ['suspended', 'closed'],
  suspended: ['open', 'closed'],
  closed: ['open'],
};

const INCIDENT_MOVES: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  reported: ['under_investigation', 'closed'],
  under_investigation: ['closed'],
  closed: ['under_investigation'],
};

function assertMove<S extends string>(record: string, moves: Readonly<Record<S, readonly S[]>>, from: S, to: S): void {
  if (from === to || moves[from].includes(to)) return;
  throw conflict('transition-not-allowed', `A ${record} that is ${from} cannot become ${to}${moves[from].length ? ` (it can become ${moves[from].join(' or ')})` : ''}.`, {
    from,
    to,
    allowed: moves[from],
  });
}

/** The changed fields of a patch, for the audit event (names, never values). */
function changedFields(change: object): string[] {
  return Object.entries(change)
    .filter(([key, value]) => key !== 'version' && value !== undefined)
    .map(([key]) => key);
}

/** An investigation of the caller's agency; any other is not found (its existence is not revealed). */
async function ownInvestigationOrThrow(q: Queryable, actor: Actor, id: string): Promise<InvestigationTable> {
  const row = await findInvestigation(q, id);
  if (!row || row.agency_id !== actor.agencyId) throw notFound('investigation');
  return row;
}

/** An investigation named in a request body: it must exist, or the request cannot be accepted. */
async function namedInvestigationOrThrow(q: Queryable, id: string): Promise<InvestigationTable> {
  const row = await findInvestigation(q, id);
  if (!row) throw unprocessable('investigationId', 'no such investigation');
  return row;
}

/**
 * The two parties to a justice link: the agency working on the person's case (case managers) and
 * the agency of the investigation (investigators). Anyone else who can see the person is refused;
 * those who cannot do not learn the link exists.
 */
async function assertLinkParty(q: Queryable, actor: Actor, link: JusticeLinkTable, investigation: InvestigationTable): Promise<void> {
  if (actor.permissions.has('case:manage') && (await worksOnCase(q, actor, link.person_id))) return;
  if (actor.permissions.has('justice:write') && investigation.agency_id === actor.agencyId) return;
  if (!(await personFieldGroups(q, actor, link.person_id)) && investigation.agency_id !== actor.agencyId) throw notFound('justice link');
  throw forbidden('Only the agency working on the case or the agency of the investigation may change this link.');
}

// Investigations and prosecutions ---------------------------------------------------------------

export async function createInvestigation(platform: Platform, ctx: RequestContext, input: InvestigationInput): Promise<InvestigationView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  const id = randomUUID();
  const row: InvestigationTable = {
    id,
    reference: input.reference,
    agency_id: actor.agencyId,
    kind: input.kind,
    offence: input.offence,
    aggravating: JSON.stringify(input.aggravating),
    status: 'open',
    created_by: actor.userId,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const referenceTaken = () => conflict('reference-taken', `Your agency already has an investigation with reference ${input.reference}.`, { field: 'reference' });
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const existing = await trx.selectFrom('investigations').select('id').where('agency_id', '=', actor.agencyId).where('reference', '=', input.reference).executeTakeFirst();
    if (existing) throw referenceTaken();
    await trx.insertInto('investigations').values(row).execute();
    record({ action: 'investigation.create', recordType: 'investigation', recordId: id, fields: Object.keys(input) });
    return investigationView(row);
  }).catch((error: unknown) => {
    throw isUniqueViolation(error) ? referenceTaken() : error;
  });
}

export async function listInvestigations(
  platform: Platform,
  ctx: RequestContext,
  filter: { status?: InvestigationStatus | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: InvestigationView[]; nextCursor: string | null }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const rows = await listInvestigationRows(trx, actor.agencyId, filter.status, cursor, limit + 1);
    const page = rows.slice(0, limit);
    record({ action: 'investigation.list', recordType: 'investigation', recordId: null, fields: ['reference', 'status'] });
    const last = page[page.length - 1];
    return { items: page.map(investigationView), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
  });
}

export type { InvestigationDetail } from '@haven/core';

/** An investigation of my agency with the persons linked to it, their protection measures and the incidents it covers. */
export async function readInvestigation(platform: Platform, ctx: RequestContext, id: string): Promise<InvestigationDetail> {
  const actor = actorOf(ctx);
  // Its victims, witnesses, measures and incidents are justice fields of persons.
  if (!actor.fieldGroups.has('justice')) throw forbidden('Justice data is not among the fields your role may see.');
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await ownInvestigationOrThrow(trx, actor, id);
    const links = await linkViews(trx, platform.cipher, await linkRowsOfInvestigation(trx, id));
    const incidents = (await incidentRows(trx, { investigationId: id })).map((r) => incidentView(platform.cipher, r));
    record({ action: 'investigation.read', recordType: 'investigation', recordId: id, fields: ['links', 'measures', 'incidents'] });
    return { ...investigationView(row), links, incidents };
  });
}

export async function changeInvestigation(platform: Platform, ctx: RequestContext, id: string, change: InvestigationChange): Promise<InvestigationView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await ownInvestigationOrThrow(trx, actor, id);
    if (row.version !== change.version) throw staleVersion('investigation', row.version);
    const status = (change.status ?? row.status) as InvestigationStatus;
    assertMove('investigation', INVESTIGATION_MOVES, row.status as InvestigationStatus, status);
    if (row.status === 'closed' && status === 'closed' && changedFields(change).some((f) => f !== 'status')) {
      throw conflict('investigation-closed', 'The investigation is closed; reopen it before changing it.');
    }
    if (change.kind === 'investigation' && row.kind === 'prosecution') {
      throw conflict('transition-not-allowed', 'A prosecution cannot become an investigation again.', { from: 'prosecution', to: 'investigation', allowed: [] });
    }
    const set: Partial<InvestigationTable> = { version: row.version + 1, updated_at: at, status };
    if (change.kind !== undefined) set.kind = change.kind;
    if (change.offence !== undefined) set.offence = change.offence;
    if (change.aggravating !== undefined) set.aggravating = JSON.stringify(change.aggravating);
    const result = await trx.updateTable('investigations').set(set).where('id', '=', id).where('version', '=', change.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('investigation', change.version + 1);
    record({ action: 'investigation.update', recordType: 'investigation', recordId: id, fields: changedFields(change) });
    return investigationView((await findInvestigation(trx, id))!);
  });
}

// Persons linked to proceedings --------------------------------------------------------------------

/**
 * A case manager links their person to an investigation (found by id) as victim or witness. The
 * investigation's agency is granted the identity, contact and justice fields of that person —
 * never health — so investigators can reach their witness.
 */
export async function linkPerson(platform: Platform, ctx: RequestContext, personId: string, input: JusticeLinkInput): Promise<JusticeLinkView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  const alreadyLinked = () => conflict('already-linked', `The person is already linked to this investigation as ${input.role}.`, { field: 'role' });
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const investigation = await namedInvestigationOrThrow(trx, input.investigationId);
    if (investigation.status === 'closed') throw conflict('investigation-closed', 'The investigation is closed; it takes no new victims or witnesses.');
    const existing = await trx
      .selectFrom('justice_links')
      .select('id')
      .where('investigation_id', '=', investigation.id)
      .where('person_id', '=', personId)
      .where('role', '=', input.role)
      .executeTakeFirst();
    if (existing) throw alreadyLinked();
    const link: JusticeLinkTable = {
      id: randomUUID(),
      investigation_id: investigation.id,
      person_id: personId,
      role: input.role,
      reachable: input.reachable ? 1 : 0,
      created_by: actor.userId,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('justice_links').values(link).execute();
    record({ action: 'justice_link.create', recordType: 'justice_link', recordId: link.id, fields: ['investigationId', 'role', 'reachable'] });
    const grantId = randomUUID();
    await trx
      .insertInto('access_grants')
      .values({
        id: grantId,
        person_id: personId,
        agency_id: investigation.agency_id,
        field_groups: JSON.stringify(JUSTICE_LINK_FIELD_GROUPS),
        source_type: 'justice_link',
        source_id: link.id,
        created_at: at,
        revoked_at: null,
      })
      .execute();
    record({ action: 'access_grant.create', recordType: 'access_grant', recordId: grantId, fields: ['personId', 'agencyId', 'fieldGroups'] });
    // A witness is owed witness support (justice.witness_support): the engine follows the link.
    await refreshObligations(platform, trx, [personId]);
    return (await linkViews(trx, platform.cipher, [link]))[0]!;
  }).catch((error: unknown) => {
    throw isUniqueViolation(error) ? alreadyLinked() : error;
  });
}

/** Whether the person remains reachable for proceedings; either party to the link may say. */
export async function changeLink(platform: Platform, ctx: RequestContext, linkId: string, change: { version: number; reachable: boolean }): Promise<JusticeLinkView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const link = await findLink(trx, linkId);
    if (!link) throw notFound('justice link');
    await assertLinkParty(trx, actor, link, (await findInvestigation(trx, link.investigation_id))!);
    if (link.version !== change.version) throw staleVersion('justice link', link.version);
    const result = await trx
      .updateTable('justice_links')
      .set({ reachable: change.reachable ? 1 : 0, version: link.version + 1, updated_at: at })
      .where('id', '=', linkId)
      .where('version', '=', change.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('justice link', change.version + 1);
    record({ action: 'justice_link.update', recordType: 'justice_link', recordId: linkId, fields: ['reachable'] });
    return (await linkViews(trx, platform.cipher, [(await findLink(trx, linkId))!]))[0]!;
  });
}

/** A protection measure asked for a victim or witness (by the case's agency or the investigation's). */
export async function requestMeasure(platform: Platform, ctx: RequestContext, linkId: string, input: ProtectionMeasureInput): Promise<ProtectionMeasureView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const link = await findLink(trx, linkId);
    if (!link) throw notFound('justice link');
    await assertLinkParty(trx, actor, link, (await findInvestigation(trx, link.investigation_id))!);
    const id = randomUUID();
    const row = {
      id,
      justice_link_id: linkId,
      type: input.type,
      status: 'requested',
      notes_enc: platform.cipher.encryptNullable(input.notes, measureNotesPlace(id)),
      requested_by: actor.userId,
      requested_at: at,
      decided_at: null,
      version: 1,
    };
    await trx.insertInto('protection_measures').values(row).execute();
    record({ action: 'protection_measure.requested', recordType: 'protection_measure', recordId: id, fields: Object.keys(input) });
    return measureView(platform.cipher, row);
  });
}

/** The investigation's agency records the decision on a requested measure: granted or refused, once. */
export async function decideMeasure(platform: Platform, ctx: RequestContext, measureId: string, decision: ProtectionMeasureDecision): Promise<ProtectionMeasureView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const measure = await findMeasure(trx, measureId);
    const link = measure && (await findLink(trx, measure.justice_link_id));
    const investigation = link && (await findInvestigation(trx, link.investigation_id));
    if (!measure || !investigation || investigation.agency_id !== actor.agencyId) throw notFound('protection measure');
    if (measure.version !== decision.version) throw staleVersion('protection measure', measure.version);
    if (measure.status !== 'requested') {
      throw conflict('transition-not-allowed', `The measure was already ${measure.status}; request a new one instead.`, { from: measure.status, to: decision.status, allowed: [] });
    }
    // The decision's notes follow the request's, so why it was asked stays beside why it was decided.
    const before = platform.cipher.decryptNullable(measure.notes_enc, measureNotesPlace(measureId));
    const notes = decision.notes === undefined ? before : before ? `${before}\n\n${decision.status}: ${decision.notes}` : decision.notes;
    const result = await trx
      .updateTable('protection_measures')
      .set({ status: decision.status, decided_at: at, notes_enc: platform.cipher.encryptNullable(notes, measureNotesPlace(measureId)), version: measure.version + 1 })
      .where('id', '=', measureId)
      .where('version', '=', decision.version)
      .where('status', '=', 'requested')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('protection measure', decision.version + 1);
    record({ action: 'protection_measure.decided', recordType: 'protection_measure', recordId: measureId, fields: ['status', ...(decision.notes ? ['notes'] : [])] });
    return measureView(platform.cipher, (await findMeasure(trx, measureId))!);
  });
}

// The justice fields of a person ---------------------------------------------------------------------

export type { PersonJustice } from '@haven/core';

/**
 * The justice group of a person: proceedings they take part in, protection measures, crimes
 * against them. An agency reading through a justice link sees its own investigations' links only.
 */
export async function personJustice(platform: Platform, ctx: RequestContext, personId: string): Promise<PersonJustice> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('justice')) throw forbidden('Justice data is not among the fields shared with you.');
    let links = await linkRowsOfPerson(trx, personId);
    if (!(await worksOnCase(trx, actor, personId))) {
      const own = new Set((await trx.selectFrom('investigations').select('id').where('agency_id', '=', actor.agencyId).execute()).map((i) => i.id));
      links = links.filter((l) => own.has(l.investigation_id));
    }
    const incidents = (await incidentRows(trx, { personId })).map((r) => incidentView(platform.cipher, r));
    record({ action: 'justice.read', recordType: 'person', recordId: personId, fields: ['justiceLinks', 'protectionMeasures', 'incidents'] });
    return { personId, links: await linkViews(trx, platform.cipher, links), incidents };
  });
}

// Crimes against migrants ------------------------------------------------------------------------------

/**
 * Records a crime against a person (or an aggravating circumstance of their smuggling): by the
 * agency working on the case, or by an agency that sees the person's justice fields.
 */
export async function recordIncident(platform: Platform, ctx: RequestContext, personId: string, input: IncidentInput): Promise<IncidentView> {
  const actor = actorOf(ctx);
  if (input.occurredAt) assertNotFuture(platform, 'occurredAt', input.occurredAt);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('justice') && !(await worksOnCase(trx, actor, personId))) throw forbidden('Only the agency working on the case or one that sees its justice fields may record a crime against this person.');
    if (input.investigationId) await namedInvestigationOrThrow(trx, input.investigationId);
    const id = randomUUID();
    const row: IncidentTable = {
      id,
      kind: input.kind,
      person_id: personId,
      investigation_id: input.investigationId ?? null,
      agency_id: actor.agencyId,
      occurred_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : null,
      place: input.place ?? null,
      description_enc: platform.cipher.encryptNullable(input.description, incidentDescriptionPlace(id)),
      status: 'reported',
      created_by: actor.userId,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('incidents').values(row).execute();
    record({ action: 'incident.create', recordType: 'incident', recordId: id, fields: Object.keys(input) });
    // A death or disappearance recorded fulfils life.death_or_disappearance: the engine follows it.
    await refreshObligations(platform, trx, [personId]);
    return incidentView(platform.cipher, row);
  });
}

/** Who may change an incident: the agency that recorded it, the one working on the case, or the agency of its investigation. */
async function assertIncidentParty(q: Queryable, actor: Actor, incident: IncidentTable): Promise<void> {
  if (incident.agency_id === actor.agencyId) return;
  if (incident.person_id && (await worksOnCase(q, actor, incident.person_id))) return;
  if (incident.investigation_id && (await findInvestigation(q, incident.investigation_id))?.agency_id === actor.agencyId) return;
  if (incident.person_id && (await personFieldGroups(q, actor, incident.person_id))) throw forbidden('Only the agency that recorded it, the one working on the case or the investigating agency may change this incident.');
  throw notFound('incident');
}

export async function changeIncident(platform: Platform, ctx: RequestContext, incidentId: string, change: IncidentChange): Promise<IncidentView> {
  const actor = actorOf(ctx);
  if (change.occurredAt) assertNotFuture(platform, 'occurredAt', change.occurredAt);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const row = await findIncident(trx, incidentId);
    if (!row) throw notFound('incident');
    await assertIncidentParty(trx, actor, row);
    if (row.version !== change.version) throw staleVersion('incident', row.version);
    if (change.status !== undefined) assertMove('incident', INCIDENT_MOVES, row.status as IncidentStatus, change.status);
    if (change.investigationId) await namedInvestigationOrThrow(trx, change.investigationId);
    const set: Partial<IncidentTable> = { version: row.version + 1, updated_at: at };
    if (change.status !== undefined) set.status = change.status;
    if (change.occurredAt !== undefined) set.occurred_at = new Date(change.occurredAt).toISOString();
    if (change.place !== undefined) set.place = change.place;
    if (change.description !== undefined) set.description_enc = platform.cipher.encrypt(change.description, incidentDescriptionPlace(incidentId));
    if (change.investigationId !== undefined) set.investigation_id = change.investigationId;
    const result = await trx.updateTable('incidents').set(set).where('id', '=', incidentId).where('version', '=', change.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion('incident', change.version + 1);
    record({ action: 'incident.update', recordType: 'incident', recordId: incidentId, fields: changedFields(change) });
    return incidentView(platform.cipher, (await findIncident(trx, incidentId))!);
  });
}

/** For oversight: whether an incident exists and whose it is, without reading it. */
export async function incidentSubject(q: Queryable, incidentId: string): Promise<{ personId: string | null } | undefined> {
  const row = await q.selectFrom('incidents').select('person_id').where('id', '=', incidentId).executeTakeFirst();
  return row && { personId: row.person_id };
}
