import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MATCH_THRESHOLD,
  preparePerson,
  queryKeysOf,
  scorePair,
  type FieldGroup,
  type LikelyDuplicate,
  type LikelyDuplicates,
  type LikelyMatchElsewhere,
  type LinkRequestKind,
  type LinkRequestView,
  type PersonSearch,
  type PreparedPerson,
} from '@haven/core';
import type { Actor, Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { LinkRequestTable, PersonTable } from '../../platform/db/schema.js';
import { conflict, forbidden, notFound, staleVersion, unprocessable, type HttpProblem } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { moveCaseToAgency } from '../cases/service.js';
import { notify } from '../notifications/service.js';
import { toPersonRecord } from '../persons/service.js';
import { mergeRecords } from './merge.js';
import {
  agencyNames,
  agencyUsersWith,
  candidatePersonIds,
  decideLinkRequest,
  findLinkRequest,
  holdingAgencies,
  insertLinkRequest,
  linkRequestsOfAgency,
  matchPersonOf,
  pendingLinkRequest,
  personRow,
  personRows,
  replaceMatchKeys,
  type MatchFields,
} from './store.js';

/** The fields the matcher reads, all in the identity group. */
const MATCH_FIELDS = ['givenName', 'familyName', 'otherNames', 'sex', 'birthDate', 'birthDatePrecision', 'nationality'];
const IDENTITY = new Set<FieldGroup>(['identity']);

function matchFieldsOf(platform: Platform, row: PersonTable): MatchFields {
  return toPersonRecord(platform.cipher, row, IDENTITY).fields as MatchFields;
}

/**
 * Likely duplicates of a person among those the caller may see: candidates are found by the
 * blind-indexed blocking keys alone, and only they are decrypted and scored. Persons of other
 * agencies stay unseen (not even counted), so a search reveals nothing the caller could not read.
 */
export async function likelyDuplicates(store: ScopedStore, personId: string): Promise<LikelyDuplicates> {
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('identity')) throw forbidden('Your role may not read identity fields, which matching compares.');
    const row = await personRow(unit, personId);
    if (!row || row.merged_into) throw notFound('person');
    const reading = new CandidateReading(unit);
    return { items: await duplicatesOf(unit, unit.actor, reading, row), elsewhere: await matchesElsewhere(unit, reading, row) };
  });
}

/** The subject of a name search: no record, so an id no record has. */
const SEARCH_SUBJECT_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Persons within the caller's scope whose names agree with `name`, the likeliest first. Names are
 * encrypted at rest, so the search goes through the matcher's blocking keys (HMAC blind indexes of
 * the romanised, phonetic name pairs): "Mohamed Ahmed" meets "Mohammed Ahmad" and "محمد أحمد".
 * The scope is part of the key search itself (`candidatePersonIds`), so a person the caller may
 * not read never takes a place nor shows; each person answered is decrypted and audited as a read
 * of their names, and only they are.
 */
export async function searchPersonsByName(store: ScopedStore, name: string, limit: number): Promise<PersonSearch> {
  const subject = preparePerson(matchPersonOf(SEARCH_SUBJECT_ID, { givenName: name }));
  if (queryKeysOf(subject).length === 0) throw unprocessable('name', 'give at least two words of the name, such as a given and a family name');
  return store.unit(async (unit) => {
    const { actor, platform } = unit;
    if (!actor.fieldGroups.has('identity')) throw forbidden('Your role may not read identity fields, which a name search compares.');
    const ids = await candidatePersonIds(unit.db, platform.cipher, subject, { agencyId: actor.agencyId, now: platform.clock().toISOString() }, limit);
    const items: PersonSearch['items'] = [];
    for (const row of await personRows(unit, ids)) {
      if (!(await unit.groupsOf(row.id))?.has('identity')) continue;
      const fields = toPersonRecord(platform.cipher, row, IDENTITY).fields as MatchFields & { nameScript?: string | null };
      const { score } = scorePair(subject, preparePerson(matchPersonOf(row.id, fields)));
      unit.readDone({ recordType: 'person', recordId: row.id }, ['givenName', 'familyName', 'nameScript', 'sex', 'birthDate']);
      items.push({
        personId: row.id,
        givenName: fields.givenName ?? null,
        familyName: fields.familyName ?? null,
        nameScript: fields.nameScript ?? null,
        sex: fields.sex ?? null,
        birthYear: row.birth_year,
        score,
      });
    }
    return { items: items.sort((a, b) => b.score - a.score || (a.personId < b.personId ? -1 : 1)) };
  });
}

/** What a registration answer says of each person registered, when asked for. */
export interface RegisteredDuplicates {
  items: LikelyDuplicate[];
  elsewhere: LikelyMatchElsewhere[];
}

/**
 * Likely duplicates of persons the caller has just registered (a registration answer that asks
 * for them), in one audited unit. A role that may not read identity fields gets none listed.
 */
export async function likelyDuplicatesOfRegistered(store: ScopedStore, personIds: readonly string[]): Promise<Map<string, RegisteredDuplicates>> {
  const { actor } = store;
  const found = new Map<string, RegisteredDuplicates>(personIds.map((id) => [id, { items: [], elsewhere: [] }]));
  if (personIds.length === 0 || !actor.fieldGroups.has('identity')) return found;
  return store.unit(async (unit) => {
    const reading = new CandidateReading(unit);
    for (const row of await personRows(unit, personIds)) {
      found.set(row.id, { items: await duplicatesOf(unit, actor, reading, row), elsewhere: await matchesElsewhere(unit, reading, row) });
    }
    return found;
  });
}

/**
 * The records one request reads to compare: each decrypted, prepared for matching and audited
 * once, however many of the persons it registered meet it (a boat of common names meets the
 * same namesakes again and again).
 */
class CandidateReading {
  private readonly prepared = new Map<string, PreparedPerson>();

  constructor(private readonly unit: ScopedUnit) {}

  /** The subject of a search, prepared (and its read audited) once. */
  subject(row: PersonTable): PreparedPerson {
    return this.prepare(row);
  }

  /** The candidates, in the order asked for: rows not read yet in this request in one statement. */
  async candidates(ids: readonly string[]): Promise<PreparedPerson[]> {
    const missing = ids.filter((id) => !this.prepared.has(id));
    for (const row of await personRows(this.unit, missing)) this.prepare(row);
    return ids.flatMap((id) => this.prepared.get(id) ?? []);
  }

  /**
   * Records outside the caller's scope, decrypted here only to be scored against the caller's own:
   * each comparison is audited on that record (its fields, never its values), and nothing of it
   * leaves the server but the holding agency's name.
   */
  async outsiders(ids: readonly string[]): Promise<PreparedPerson[]> {
    const missing = ids.filter((id) => !this.compared.has(id));
    for (const row of await personRows(this.unit, missing)) {
      this.unit.record({ action: 'person.compared_across_agencies', recordType: 'person', recordId: row.id, fields: MATCH_FIELDS });
      this.compared.set(row.id, preparePerson(matchPersonOf(row.id, matchFieldsOf(this.unit.platform, row))));
    }
    return ids.flatMap((id) => this.compared.get(id) ?? []);
  }

  private readonly compared = new Map<string, PreparedPerson>();

  private prepare(row: PersonTable): PreparedPerson {
    let person = this.prepared.get(row.id);
    if (!person) {
      this.unit.readDone({ recordType: 'person', recordId: row.id }, MATCH_FIELDS);
      person = preparePerson(matchPersonOf(row.id, matchFieldsOf(this.unit.platform, row)));
      this.prepared.set(row.id, person);
    }
    return person;
  }
}

async function duplicatesOf(unit: ScopedUnit, actor: Actor, reading: CandidateReading, row: PersonTable): Promise<LikelyDuplicate[]> {
  const subject = reading.subject(row);
  const found: LikelyDuplicate[] = [];
  // The search keeps to the persons whose identity fields the caller may read (a role without
  // them reads none), so the places among the best go to those only.
  if (!actor.fieldGroups.has('identity')) return found;
  const candidateIds = await candidatePersonIds(unit.db, unit.platform.cipher, subject, { agencyId: actor.agencyId, now: unit.platform.clock().toISOString() });
  for (const candidate of await reading.candidates(candidateIds)) {
    const { score, reasons, explanations } = scorePair(subject, candidate);
    if (score >= DEFAULT_MATCH_THRESHOLD) found.push({ personId: candidate.id, score, reasons, explanations });
  }
  return found.sort((a, b) => b.score - a.score || (a.personId < b.personId ? -1 : 1));
}

/**
 * How likely a match outside the caller's scope must be to be signalled: likely matches only, well
 * above the threshold within one's scope (0.5). The signal says that someone is on record
 * elsewhere, so a loose threshold would let a probe registration learn who is. 0.75 is met by the
 * whole name and the sex agreeing with nothing against (0.80): what a first responder's form
 * records (no date of birth); a name in part, or birth years too far apart, stay well below.
 */
export const ELSEWHERE_THRESHOLD = 0.75;
/** Records outside the scope decrypted and scored per person searched: the likeliest by keys and plain values. */
const ELSEWHERE_CANDIDATES = 10;
/** How long a reference of a likely match elsewhere may be used for a link request. */
const REFERENCE_TTL_MS = 7 * 24 * 3_600_000;

/** A reference names the other record to the server alone: sealed under the key, bound to the asking agency and its person. */
function referencePlace(agencyId: string, personId: string): string {
  return placeOf('link_references', agencyId, personId);
}

function referenceFor(platform: Platform, agencyId: string, personId: string, holderPersonId: string): string {
  const sealed = platform.cipher.encrypt(JSON.stringify({ holder: holderPersonId, at: platform.clock().toISOString() }), referencePlace(agencyId, personId));
  return Buffer.from(sealed).toString('base64url');
}

/** The other record a reference names, or undefined when it was not made for this agency and person, or is too old. */
function holderOfReference(platform: Platform, agencyId: string, personId: string, reference: string): string | undefined {
  try {
    const sealed = Buffer.from(reference, 'base64url').toString('utf8');
    const { holder, at } = JSON.parse(platform.cipher.decrypt(sealed, referencePlace(agencyId, personId))) as { holder: unknown; at: unknown };
    if (typeof holder !== 'string' || typeof at !== 'string') return undefined;
    const age = platform.clock().getTime() - Date.parse(at);
    return age >= 0 && age <= REFERENCE_TTL_MS ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Likely matches of one of the caller's own records at agencies outside the caller's scope: one per
 * agency (its likeliest record), named by the agency alone. Only a record the caller's agency works
 * on is searched (a real registration, not a shared one), and only likely matches are signalled.
 */
async function matchesElsewhere(unit: ScopedUnit, reading: CandidateReading, row: PersonTable): Promise<LikelyMatchElsewhere[]> {
  const { actor, platform } = unit;
  if (!actor.fieldGroups.has('identity') || row.merged_into || !(await unit.worksOnCase(row.id))) return [];
  const subject = reading.subject(row);
  const ids = await candidatePersonIds(unit.db, platform.cipher, subject, { agencyId: actor.agencyId, outside: true, now: platform.clock().toISOString() }, ELSEWHERE_CANDIDATES);
  const likely: { id: string; score: number }[] = [];
  for (const candidate of await reading.outsiders(ids)) {
    const { score } = scorePair(subject, candidate);
    if (score >= ELSEWHERE_THRESHOLD) likely.push({ id: candidate.id, score });
  }
  if (likely.length === 0) return [];
  const holders = await holdingAgencies(unit, likely.map((m) => m.id));
  const best = new Map<string, { agency: { id: string; name: string }; id: string; score: number }>();
  for (const match of likely) {
    const agency = holders.get(match.id);
    if (!agency || agency.id === actor.agencyId) continue;
    const kept = best.get(agency.id);
    if (!kept || match.score > kept.score || (match.score === kept.score && match.id < kept.id)) best.set(agency.id, { agency, ...match });
  }
  return [...best.values()]
    .sort((a, b) => (a.agency.name < b.agency.name ? -1 : a.agency.name > b.agency.name ? 1 : 0))
    .map(({ agency, id }) => ({ agencyId: agency.id, agencyName: agency.name, reference: referenceFor(platform, actor.agencyId, row.id, id) }));
}

/** The record a merged-away person ended in (merges can chain). */
async function survivorOf(unit: StoreUnit, row: PersonTable): Promise<PersonTable> {
  let current = row;
  for (let hops = 0; current.merged_into && hops < 20; hops += 1) {
    const next = await personRow(unit, current.merged_into);
    if (!next) break;
    current = next;
  }
  return current;
}

/** 409 naming the agency holding the record a merged-away one went into, and nothing of either record. */
async function mergedAway(unit: StoreUnit, row: PersonTable): Promise<HttpProblem> {
  const survivor = await survivorOf(unit, row);
  const agency = (await holdingAgencies(unit, [survivor.id])).get(survivor.id);
  return conflict('link-target-merged', `That record was merged into a record held by ${agency?.name ?? 'another agency'}.`, {
    agencyId: agency?.id ?? null,
    agencyName: agency?.name ?? null,
  });
}

/** One side's view of a request: its own record (the name if the caller reads identity there), never the other's. */
async function linkRequestView(unit: ScopedUnit, row: LinkRequestTable, agencies: Map<string, string>): Promise<LinkRequestView> {
  const { actor, platform } = unit;
  const side = row.holder_agency_id === actor.agencyId ? 'holder' : 'requester';
  const personId = side === 'holder' ? row.holder_person_id : row.requester_person_id;
  let personName: string | null = null;
  // A record taken over by the other agency is no longer the requester's to name.
  const groups = await unit.groupsOf(personId);
  if (groups?.has('identity')) {
    const person = await personRow(unit, personId);
    if (person) {
      const fields = toPersonRecord(platform.cipher, person, IDENTITY).fields as { givenName?: string | null; familyName?: string | null };
      personName = [fields.givenName, fields.familyName].filter(Boolean).join(' ') || null;
      unit.readDone({ recordType: 'person', recordId: personId }, ['givenName', 'familyName']);
    }
  }
  unit.readDone({ recordType: 'link_request', recordId: row.id }, ['kind', 'status']);
  return {
    id: row.id,
    kind: row.kind as LinkRequestKind,
    status: row.status as LinkRequestView['status'],
    side,
    personId,
    personName,
    requesterAgency: { id: row.requester_agency_id, name: agencies.get(row.requester_agency_id) ?? '' },
    holderAgency: { id: row.holder_agency_id, name: agencies.get(row.holder_agency_id) ?? '' },
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    refusalReason: platform.cipher.decryptNullable(row.refusal_reason_enc, placeOf('link_requests', 'refusal_reason_enc', row.id)),
    version: row.version,
  };
}

async function viewOne(unit: ScopedUnit, id: string): Promise<LinkRequestView> {
  const row = (await findLinkRequest(unit, id))!;
  return linkRequestView(unit, row, await agencyNames(unit, [row.requester_agency_id, row.holder_agency_id]));
}

/**
 * The caller's agency asks the agency holding a likely match of one of its own records to link the
 * two or take its record over, by the reference the duplicates answer gave. The holding agency's
 * case managers are told; the request names their record to them, and nothing of it to the caller.
 */
export async function requestLink(store: ScopedStore, personId: string, input: { reference: string; kind: LinkRequestKind }): Promise<LinkRequestView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const { actor } = unit;
    const groups = await unit.caseGroups(personId);
    if (!groups.has('identity')) throw forbidden('Your role may not read identity fields, which matching compares.');
    const subject = await personRow(unit, personId);
    if (!subject) throw notFound('person');
    if (subject.merged_into) throw conflict('already_merged', 'This record was merged into another: ask from the surviving record.');
    const holderId = holderOfReference(platform, actor.agencyId, personId, input.reference);
    const invalid = () => unprocessable('reference', 'not a reference of a likely match of this person, or too old: search the likely duplicates again');
    if (!holderId) throw invalid();
    const holder = await personRow(unit, holderId);
    if (!holder) throw invalid();
    if (holder.merged_into) throw await mergedAway(unit, holder);
    const holding = (await holdingAgencies(unit, [holderId])).get(holderId);
    if (!holding) throw invalid();
    if (holding.id === actor.agencyId || (await unit.groupsOf(holderId))?.has('identity')) {
      throw unprocessable('reference', 'the likely match is now among the records you may see: compare them in the likely duplicates');
    }
    if (await pendingLinkRequest(unit, personId, holderId)) throw conflict('link-request-pending', `A request to ${holding.name} about this record is already waiting for their decision.`);
    const id = randomUUID();
    await insertLinkRequest(unit, {
      id,
      kind: input.kind,
      status: 'pending',
      requester_agency_id: actor.agencyId,
      requester_person_id: personId,
      holder_agency_id: holding.id,
      holder_person_id: holderId,
      requested_by: actor.userId,
      requested_at: at,
      decided_by: null,
      decided_at: null,
      refusal_reason_enc: null,
      version: 1,
    });
    unit.record({ action: 'link_request.created', recordType: 'link_request', recordId: id, fields: ['kind', 'personId', 'agencyId'] });
    unit.record({ action: 'person.compared_across_agencies', recordType: 'person', recordId: holderId, fields: ['linkRequest'] });
    await notify(unit, { userIds: await agencyUsersWith(unit, holding.id, 'case:manage'), kind: 'link_request_received', personId: holderId, at });
    return viewOne(unit, id);
  });
}

/** The link requests the caller's agency made or must decide, pending first. */
export async function linkRequests(store: ScopedStore): Promise<LinkRequestView[]> {
  return store.unit(async (unit) => {
    const rows = await linkRequestsOfAgency(unit, unit.actor.agencyId, 200);
    const agencies = await agencyNames(unit, rows.flatMap((row) => [row.requester_agency_id, row.holder_agency_id]));
    const views: LinkRequestView[] = [];
    for (const row of rows) views.push(await linkRequestView(unit, row, agencies));
    return views;
  });
}

/** A pending request the caller's agency holds, at the version the caller read: else 404, 403 or 409. */
async function pendingForHolder(unit: ScopedUnit, id: string, version: number): Promise<LinkRequestTable> {
  const row = await findLinkRequest(unit, id);
  const { agencyId } = unit.actor;
  if (!row || (row.holder_agency_id !== agencyId && row.requester_agency_id !== agencyId)) throw notFound('link_request');
  if (row.holder_agency_id !== agencyId) throw forbidden('The agency holding the likely match decides.');
  if (row.status !== 'pending') throw conflict('link-request-decided', `This request was already ${row.status}.`);
  if (row.version !== version) throw staleVersion('link_request', row.version);
  return row;
}

async function decided(unit: ScopedUnit, row: LinkRequestTable, status: 'accepted' | 'refused', at: string, reason: string | null): Promise<void> {
  const refusal = reason === null ? null : unit.platform.cipher.encrypt(reason, placeOf('link_requests', 'refusal_reason_enc', row.id));
  if (!(await decideLinkRequest(unit, row, { status, decided_by: unit.actor.userId, decided_at: at, refusal_reason_enc: refusal }))) {
    throw conflict('link-request-decided', 'This request was decided meanwhile.');
  }
  unit.record({ action: `link_request.${status}`, recordType: 'link_request', recordId: row.id, fields: reason === null ? ['status'] : ['status', 'refusalReason'] });
  await notify(unit, { userIds: [row.requested_by], kind: `link_request_${status}`, personId: row.requester_person_id, at });
}

/**
 * The holding agency accepts: a link merges the two records (a supervisor decides, as for any
 * merge, and chooses which survives); a take-over moves the requester's case to the holding agency,
 * whose supervisor may then merge the two as records of its own. Either record merged away since:
 * 409 naming the agency holding the surviving record.
 */
export async function acceptLinkRequest(store: ScopedStore, id: string, input: { version: number; survivor?: 'held' | 'requested' | undefined }): Promise<LinkRequestView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await pendingForHolder(unit, id, input.version);
    const groups = await unit.caseGroups(row.holder_person_id, 'link_request');
    const [held, requested] = [await personRow(unit, row.holder_person_id), await personRow(unit, row.requester_person_id)];
    if (!held || !requested) throw notFound('link_request');
    for (const person of [held, requested]) if (person.merged_into) throw await mergedAway(unit, person);
    if (row.kind === 'link') {
      if (!unit.actor.permissions.has('person:merge') || !groups.has('identity')) throw forbidden('Linking merges the two records: a supervisor decides.');
      const [survivorId, mergedId] = input.survivor === 'requested' ? [requested.id, held.id] : [held.id, requested.id];
      const requester = (await agencyNames(unit, [row.requester_agency_id])).get(row.requester_agency_id) ?? 'another agency';
      await mergeRecords(unit, survivorId, mergedId, `Linked at the request of ${requester}`, at);
    } else {
      const caseId = await moveCaseToAgency(unit, row.requester_person_id, row.holder_agency_id, at);
      if (caseId) unit.record({ action: 'case.update', recordType: 'case', recordId: caseId, fields: ['agencyId', 'officerId'] });
      unit.factsChanged([row.requester_person_id]);
    }
    await decided(unit, row, 'accepted', at, null);
    return viewOne(unit, id);
  });
}

/** The holding agency refuses, with a reason the requester reads. */
export async function refuseLinkRequest(store: ScopedStore, id: string, input: { version: number; reason: string }): Promise<LinkRequestView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await pendingForHolder(unit, id, input.version);
    await decided(unit, row, 'refused', at, input.reason);
    return viewOne(unit, id);
  });
}

/** Whether a change to a person's record touches what matching compares. */
export function changesMatchFields(changes: object): boolean {
  return MATCH_FIELDS.some((field) => field in changes);
}

/** After a person's record changed: the blocking keys are derived again from the stored values. */
export async function refreshMatchKeys(unit: StoreUnit, personId: string): Promise<void> {
  const row = await personRow(unit, personId);
  if (row) await replaceMatchKeys(unit.db, unit.platform.cipher, personId, matchFieldsOf(unit.platform, row));
}

/** What registration stores of a person for matching, and the blind index of a date of birth taken to the day. */
export { birthDateIndexOf, matchKeyRows } from './store.js';
export { deleteMatchKeysOf, eraseLinkRequestsOf, eraseMergesOf } from './store.js';
