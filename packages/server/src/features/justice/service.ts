import { randomUUID } from 'node:crypto';
import type {
  IncidentChange,
  IncidentInput,
  IncidentStatus,
  InvestigationChange,
  InvestigationDetail,
  InvestigationIncidentInput,
  InvestigationIncidents,
  InvestigationInput,
  InvestigationLinkInput,
  InvestigationStatus,
  JusticeLinkChange,
  JusticeLinkInput,
  JusticeRole,
  LinkableInvestigation,
  PersonJustice,
  ProtectionMeasureDecision,
  ProtectionMeasureInput,
} from '@haven/core';
import type { IncidentTable, InvestigationTable, JusticeLinkTable, ProtectionMeasureTable } from '../../platform/db/schema.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { conflict, forbidden, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { assertNotFuture } from '../assistance/service.js';
import { grantAccessFor } from '../referrals/service.js';
import {
  incidentAsParty,
  incidentDescriptionPlace,
  incidentPerson,
  incidentRows,
  incidentView,
  insertIncident,
  insertInvestigation,
  insertLink,
  insertMeasure,
  investigationReferenceTaken,
  investigationView,
  isLinked,
  isUniqueViolation,
  linkableInvestigationRows,
  linkAsParty,
  linkOf,
  linkRowsOfInvestigation,
  linkViews,
  listInvestigationRows,
  measureNotesPlace,
  measureOfOwnInvestigation,
  measureView,
  namedInvestigation,
  ownInvestigation,
  reachHowPlace,
  updateIncident,
  updateInvestigation,
  updateLink,
  updateMeasure,
  visibleLinkRowsOfPerson,
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

// Investigations and prosecutions ---------------------------------------------------------------

export async function createInvestigation(store: ScopedStore, input: InvestigationInput): Promise<InvestigationView> {
  const { actor } = store;
  const at = store.platform.clock().toISOString();
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
  return store
    .unit(async (unit) => {
      if (await investigationReferenceTaken(unit, actor.agencyId, input.reference)) throw referenceTaken();
      await insertInvestigation(unit, row);
      unit.record({ action: 'investigation.create', recordType: 'investigation', recordId: id, fields: Object.keys(input) });
      return investigationView(row);
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? referenceTaken() : error;
    });
}

export async function listInvestigations(
  store: ScopedStore,
  filter: { status?: InvestigationStatus | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: InvestigationView[]; nextCursor: string | null }> {
  return store.unit(async (unit) => {
    const rows = await listInvestigationRows(unit, filter.status, cursor, limit + 1);
    const page = rows.slice(0, limit);
    unit.record({ action: 'investigation.list', recordType: 'investigation', recordId: null, fields: ['reference', 'status'] });
    const last = page[page.length - 1];
    return { items: page.map(investigationView), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
  });
}

export type { InvestigationDetail } from '@haven/core';

/** An investigation of my agency with the persons linked to it, their protection measures and the incidents it covers. */
export async function readInvestigation(store: ScopedStore, id: string): Promise<InvestigationDetail> {
  // Its victims, witnesses, measures and incidents are justice fields of persons.
  if (!store.actor.fieldGroups.has('justice')) throw forbidden('Justice data is not among the fields your role may see.');
  return store.unit(async (unit) => {
    const row = await ownInvestigation(unit, id);
    const links = await linkViews(unit, await linkRowsOfInvestigation(unit, id));
    const incidents = (await incidentRows(unit, { investigationId: id })).map((r) => incidentView(store.platform.cipher, r));
    unit.readDone({ recordType: 'investigation', recordId: id }, ['links', 'measures', 'incidents']);
    return { ...investigationView(row), links, incidents };
  });
}

export async function changeInvestigation(store: ScopedStore, id: string, change: InvestigationChange): Promise<InvestigationView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await ownInvestigation(unit, id);
    if (row.version !== change.version) throw staleVersion('investigation', row.version);
    const status = (change.status ?? row.status) as InvestigationStatus;
    assertMove('investigation', INVESTIGATION_MOVES, row.status as InvestigationStatus, status);
    if (row.status === 'closed' && status === 'closed' && changedFields(change).some((f) => f !== 'status')) {
      throw conflict('investigation-closed', 'The investigation is closed; reopen it before changing it.');
    }
    if (change.kind === 'investigation' && row.kind === 'prosecution') {
      throw conflict('transition-not-allowed', 'A prosecution cannot become an investigation again.', { from: 'prosecution', to: 'investigation', allowed: [] });
    }
    const set: Partial<InvestigationTable> = { status };
    if (change.kind !== undefined) set.kind = change.kind;
    if (change.offence !== undefined) set.offence = change.offence;
    if (change.aggravating !== undefined) set.aggravating = JSON.stringify(change.aggravating);
    const changed = await updateInvestigation(unit, row, set, at);
    unit.record({ action: 'investigation.update', recordType: 'investigation', recordId: id, fields: changedFields(change) });
    return investigationView(changed);
  });
}

// Persons linked to proceedings --------------------------------------------------------------------

/**
 * Links a person to an investigation in a role and grants the investigation's agency the identity,
 * contact and justice fields of that person — never health — so investigators can reach their
 * victim or witness. A witness is owed witness support (justice.witness_support): the engine
 * follows the link when the unit commits.
 */
async function addLink(unit: ScopedUnit, investigation: InvestigationTable, personId: string, role: JusticeRole, reachable: boolean, at: string): Promise<JusticeLinkTable> {
  const link: JusticeLinkTable = {
    id: randomUUID(),
    investigation_id: investigation.id,
    person_id: personId,
    role,
    reachable: reachable ? 1 : 0,
    reach_how_enc: null,
    reach_confirmed_at: null,
    created_by: unit.actor.userId,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  await insertLink(unit, link);
  unit.record({ action: 'justice_link.create', recordType: 'justice_link', recordId: link.id, fields: ['investigationId', 'role', 'reachable'] });
  const grantId = await grantAccessFor(unit, { personId, agencyId: investigation.agency_id, groups: JUSTICE_LINK_FIELD_GROUPS, sourceType: 'justice_link', sourceId: link.id, at });
  unit.record({ action: 'access_grant.create', recordType: 'access_grant', recordId: grantId, fields: ['personId', 'agencyId', 'fieldGroups'] });
  unit.factsChanged([personId]);
  return link;
}

const investigationClosed = (what: string) => conflict('investigation-closed', `The investigation is closed; it takes no new ${what}.`);

/** A case manager links their person to an investigation (found by id) as victim or witness. */
export async function linkPerson(store: ScopedStore, personId: string, input: JusticeLinkInput): Promise<JusticeLinkView> {
  const at = store.platform.clock().toISOString();
  const alreadyLinked = () => conflict('already-linked', `The person is already linked to this investigation as ${input.role}.`, { field: 'role' });
  return store
    .unit(async (unit) => {
      await unit.caseGroups(personId);
      const investigation = await namedInvestigation(unit, input.investigationId);
      if (investigation.status === 'closed') throw investigationClosed('victims or witnesses');
      if (await isLinked(unit, investigation.id, personId, input.role)) throw alreadyLinked();
      const link = await addLink(unit, investigation, personId, input.role, input.reachable, at);
      return (await linkViews(unit, [link]))[0]!;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? alreadyLinked() : error;
    });
}

/** A person named in a request body must be one the caller sees; any other is not accepted (its existence is not revealed). */
async function assertSeen(unit: ScopedUnit, field: string, personId: string): Promise<void> {
  if (!(await unit.groupsOf(personId))) throw unprocessable(field, 'no such person');
}

/** The investigating agency links a person it sees to its own investigation, as victim or witness. */
export async function linkToInvestigation(store: ScopedStore, investigationId: string, input: InvestigationLinkInput): Promise<JusticeLinkView> {
  const at = store.platform.clock().toISOString();
  const alreadyLinked = () => conflict('already-linked', `The person is already linked to this investigation as ${input.role}.`, { field: 'role' });
  return store
    .unit(async (unit) => {
      const investigation = await ownInvestigation(unit, investigationId);
      await assertSeen(unit, 'personId', input.personId);
      if (investigation.status === 'closed') throw investigationClosed('victims or witnesses');
      if (await isLinked(unit, investigation.id, input.personId, input.role)) throw alreadyLinked();
      const link = await addLink(unit, investigation, input.personId, input.role, input.reachable, at);
      return (await linkViews(unit, [link]))[0]!;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? alreadyLinked() : error;
    });
}

/** Investigations a case manager may link their person to, by reference and agency. */
export async function linkableInvestigations(store: ScopedStore): Promise<{ items: LinkableInvestigation[] }> {
  return store.unit(async (unit) => {
    const rows = await linkableInvestigationRows(unit);
    return {
      items: rows.map((row) => ({ id: row.id, reference: row.reference, kind: row.kind as LinkableInvestigation['kind'], status: row.status as LinkableInvestigation['status'], agencyId: row.agency_id, agencyName: row.agency_name })),
    };
  });
}

/** Whether the person remains reachable for proceedings, how to reach them and when it was confirmed; either party to the link may say. */
export async function changeLink(store: ScopedStore, linkId: string, change: JusticeLinkChange): Promise<JusticeLinkView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const { link } = await linkAsParty(unit, linkId);
    if (link.version !== change.version) throw staleVersion('justice link', link.version);
    const set: Partial<JusticeLinkTable> = {};
    if (change.reachable !== undefined) set.reachable = change.reachable ? 1 : 0;
    if (change.reachHow !== undefined) set.reach_how_enc = platform.cipher.encryptNullable(change.reachHow, reachHowPlace(linkId));
    if (change.confirmed) set.reach_confirmed_at = at;
    const changed = await updateLink(unit, link, set, at);
    unit.record({ action: 'justice_link.update', recordType: 'justice_link', recordId: linkId, fields: changedFields(change) });
    return (await linkViews(unit, [changed]))[0]!;
  });
}

/** A protection measure asked for a victim or witness (by the case's agency or the investigation's). */
export async function requestMeasure(store: ScopedStore, linkId: string, input: ProtectionMeasureInput): Promise<ProtectionMeasureView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    await linkAsParty(unit, linkId);
    const id = randomUUID();
    const row: ProtectionMeasureTable = {
      id,
      justice_link_id: linkId,
      type: input.type,
      status: 'requested',
      notes_enc: platform.cipher.encryptNullable(input.notes, measureNotesPlace(id)),
      requested_by: unit.actor.userId,
      requested_at: at,
      decided_at: null,
      review_on: input.reviewOn ?? null,
      version: 1,
    };
    await insertMeasure(unit, row);
    unit.record({ action: 'protection_measure.requested', recordType: 'protection_measure', recordId: id, fields: Object.keys(input) });
    return measureView(platform.cipher, row);
  });
}

/** The investigation's agency records the decision on a requested measure (granted or refused, once) and sets its next review. */
export async function decideMeasure(store: ScopedStore, measureId: string, decision: ProtectionMeasureDecision): Promise<ProtectionMeasureView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const measure = await measureOfOwnInvestigation(unit, measureId);
    if (measure.version !== decision.version) throw staleVersion('protection measure', measure.version);
    const set: Partial<ProtectionMeasureTable> = {};
    if (decision.reviewOn !== undefined) set.review_on = decision.reviewOn;
    if (decision.status !== undefined) {
      if (measure.status !== 'requested') {
        throw conflict('transition-not-allowed', `The measure was already ${measure.status}; request a new one instead.`, { from: measure.status, to: decision.status, allowed: [] });
      }
      // The decision's notes follow the request's, so why it was asked stays beside why it was decided.
      const before = platform.cipher.decryptNullable(measure.notes_enc, measureNotesPlace(measureId));
      const notes = decision.notes === undefined ? before : before ? `${before}\n\n${decision.status}: ${decision.notes}` : decision.notes;
      Object.assign(set, { status: decision.status, decided_at: at, notes_enc: platform.cipher.encryptNullable(notes, measureNotesPlace(measureId)) });
    }
    const decided = await updateMeasure(unit, measure, set);
    const fields = [...(decision.status ? ['status'] : []), ...(decision.status && decision.notes ? ['notes'] : []), ...(decision.reviewOn !== undefined ? ['reviewOn'] : [])];
    unit.record({ action: decision.status ? 'protection_measure.decided' : 'protection_measure.reviewed', recordType: 'protection_measure', recordId: measureId, fields });
    return measureView(platform.cipher, decided);
  });
}

// The justice fields of a person ---------------------------------------------------------------------

export type { PersonJustice } from '@haven/core';

/**
 * The justice group of a person: proceedings they take part in, protection measures, crimes
 * against them. An agency reading through a justice link sees its own investigations' links only.
 */
export async function personJustice(store: ScopedStore, personId: string): Promise<PersonJustice> {
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('justice')) throw forbidden('Justice data is not among the fields shared with you.');
    const links = await visibleLinkRowsOfPerson(unit, personId);
    const incidents = (await incidentRows(unit, { personId })).map((r) => incidentView(store.platform.cipher, r));
    unit.readDone({ action: 'justice.read', recordType: 'person', recordId: personId }, ['justiceLinks', 'protectionMeasures', 'incidents']);
    return { personId, links: await linkViews(unit, links), incidents };
  });
}

// Crimes against migrants ------------------------------------------------------------------------------

/**
 * Records a crime against a person (or an aggravating circumstance of their smuggling): by the
 * agency working on the case, or by an agency that sees the person's justice fields.
 */
export async function recordIncident(store: ScopedStore, personId: string, input: IncidentInput): Promise<IncidentView> {
  const { platform } = store;
  if (input.occurredAt) assertNotFuture(platform, 'occurredAt', input.occurredAt);
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('justice') && !(await unit.worksOnCase(personId))) throw forbidden('Only the agency working on the case or one that sees its justice fields may record a crime against this person.');
    if (input.investigationId) await namedInvestigation(unit, input.investigationId);
    const row = incidentRow(store, personId, input, at);
    await insertIncident(unit, row);
    unit.record({ action: 'incident.create', recordType: 'incident', recordId: row.id, fields: Object.keys(input) });
    // A death or disappearance recorded fulfils life.death_or_disappearance: the engine follows it.
    unit.factsChanged([personId]);
    return incidentView(platform.cipher, row);
  });
}

function incidentRow(store: ScopedStore, personId: string, input: IncidentInput, at: string): IncidentTable {
  const id = randomUUID();
  return {
    id,
    kind: input.kind,
    person_id: personId,
    investigation_id: input.investigationId ?? null,
    agency_id: store.actor.agencyId,
    occurred_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : null,
    place: input.place ?? null,
    description_enc: store.platform.cipher.encryptNullable(input.description, incidentDescriptionPlace(id)),
    status: 'reported',
    created_by: store.actor.userId,
    version: 1,
    created_at: at,
    updated_at: at,
  };
}

/**
 * An incident recorded from the investigation: one incident against each victim, within the
 * investigation, and every victim and witness not yet linked to it linked in their role — all in
 * one transaction, so nothing is half-saved. Each person must be one the investigating agency sees.
 */
export async function recordInvestigationIncident(store: ScopedStore, investigationId: string, input: InvestigationIncidentInput): Promise<InvestigationIncidents> {
  const { platform } = store;
  if (input.occurredAt) assertNotFuture(platform, 'occurredAt', input.occurredAt);
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const investigation = await ownInvestigation(unit, investigationId);
    for (const personId of input.victims) await assertSeen(unit, 'victims', personId);
    for (const personId of input.witnesses) await assertSeen(unit, 'witnesses', personId);
    if (investigation.status === 'closed') throw investigationClosed('incidents');
    const links: JusticeLinkTable[] = [];
    const involved = [...input.victims.map((id) => [id, 'victim'] as const), ...input.witnesses.map((id) => [id, 'witness'] as const)];
    for (const [personId, role] of involved) {
      links.push((await linkOf(unit, investigationId, personId, role)) ?? (await addLink(unit, investigation, personId, role, true, at)));
    }
    const incidents: IncidentView[] = [];
    for (const personId of input.victims) {
      const row = incidentRow(store, personId, { kind: input.kind, occurredAt: input.occurredAt, place: input.place, description: input.description, investigationId }, at);
      await insertIncident(unit, row);
      unit.record({ action: 'incident.create', recordType: 'incident', recordId: row.id, fields: ['kind', 'investigationId', ...['occurredAt', 'place', 'description'].filter((f) => input[f as keyof typeof input] !== undefined)] });
      incidents.push(incidentView(platform.cipher, row));
    }
    unit.factsChanged([...input.victims]);
    return { incidents, links: await linkViews(unit, links) };
  });
}

export async function changeIncident(store: ScopedStore, incidentId: string, change: IncidentChange): Promise<IncidentView> {
  const { platform } = store;
  if (change.occurredAt) assertNotFuture(platform, 'occurredAt', change.occurredAt);
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await incidentAsParty(unit, incidentId);
    if (row.version !== change.version) throw staleVersion('incident', row.version);
    if (change.status !== undefined) assertMove('incident', INCIDENT_MOVES, row.status as IncidentStatus, change.status);
    if (change.investigationId) await namedInvestigation(unit, change.investigationId);
    const set: Partial<IncidentTable> = {};
    if (change.status !== undefined) set.status = change.status;
    if (change.occurredAt !== undefined) set.occurred_at = new Date(change.occurredAt).toISOString();
    if (change.place !== undefined) set.place = change.place;
    if (change.description !== undefined) set.description_enc = platform.cipher.encrypt(change.description, incidentDescriptionPlace(incidentId));
    if (change.investigationId !== undefined) set.investigation_id = change.investigationId;
    const changed = await updateIncident(unit, row, set, at);
    unit.record({ action: 'incident.update', recordType: 'incident', recordId: incidentId, fields: changedFields(change) });
    return incidentView(platform.cipher, changed);
  });
}

/** For oversight: whether an incident exists and whose it is, without reading it. */
export async function incidentSubject(unit: StoreUnit, incidentId: string): Promise<{ personId: string | null } | undefined> {
  return incidentPerson(unit, incidentId);
}

/** Justice links follow a person's record when duplicates are merged or unmerged. */
export { moveJusticeLinks } from './store.js';
export { eraseIncidentsOf, eraseJusticeLinksOf, eraseProtectionMeasuresOf } from './store.js';
