import { randomUUID } from 'node:crypto';
import type { FieldGroup, PersonInput } from '@haven/core';
import { personFieldGroups, worksOnCase } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { forbidden, notFound, staleVersion, unauthorized } from '../../platform/http/problem.js';
import { PERSON_FIELDS } from './fields.js';
import {
  encodePersonFields,
  findPersonRow,
  insertPerson,
  listVisiblePersonRows,
  nameIndexOf,
  toPersonRecord,
  updatePersonRow,
  type PersonRecord,
} from './store.js';

function actorOf(ctx: RequestContext): Actor {
  if (!ctx.actor) throw unauthorized();
  return ctx.actor;
}

/** Field names of a record that are present: what an audit event says was read or written. */
function presentFields(record: PersonRecord): string[] {
  return Object.keys(record.fields);
}

/** Registers a person and opens their case in the registering agency. */
export async function createPerson(platform: Platform, ctx: RequestContext, input: PersonInput): Promise<PersonRecord> {
  const actor = actorOf(ctx);
  const id = randomUUID();
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const encoded = encodePersonFields(platform.cipher, id, input);
    const row = {
      id,
      registering_agency_id: actor.agencyId,
      created_by: actor.userId,
      given_name_enc: null,
      family_name_enc: null,
      other_names_enc: null,
      sex: input.sex,
      birth_date: null,
      birth_date_precision: null,
      age_claimed: null,
      nationality: null,
      languages: '[]',
      accompaniment: null,
      phone_enc: null,
      address_enc: null,
      ...encoded,
      name_index: nameIndexOf(platform.cipher, input.givenName, input.familyName),
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await insertPerson(trx, row);
    const caseId = randomUUID();
    await trx
      .insertInto('cases')
      .values({ id: caseId, person_id: id, agency_id: actor.agencyId, officer_id: actor.userId, stage: 'registered', risk_level: null, version: 1, created_at: at, updated_at: at })
      .execute();
    record({ action: 'person.create', recordType: 'person', recordId: id, fields: Object.keys(input) });
    return toPersonRecord(platform.cipher, row, actor.fieldGroups);
  });
}

export async function readPerson(platform: Platform, ctx: RequestContext, personId: string): Promise<PersonRecord> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await personFieldGroups(trx, actor, personId);
    const row = groups ? await findPersonRow(trx, personId) : undefined;
    if (!groups || !row) throw notFound('person');
    const person = toPersonRecord(platform.cipher, row, groups);
    record({ action: 'person.read', recordType: 'person', recordId: personId, fields: presentFields(person) });
    return person;
  });
}

export async function updatePerson(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  version: number,
  changes: Partial<PersonInput>,
): Promise<PersonRecord> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await personFieldGroups(trx, actor, personId);
    const row = groups ? await findPersonRow(trx, personId) : undefined;
    if (!groups || !row) throw notFound('person');
    if (!(await worksOnCase(trx, actor, personId))) throw forbidden('Only an agency working on the case may change the record.');
    const touched = PERSON_FIELDS.filter((f) => f.name in changes);
    const hidden = touched.find((f) => !groups.has(f.group));
    if (hidden) throw forbidden(`Your role may not change ${hidden.name}.`);
    if (row.version !== version) throw staleVersion('person', row.version);
    const encoded = encodePersonFields(platform.cipher, personId, changes);
    if ('givenName' in changes || 'familyName' in changes) {
      const current = toPersonRecord(platform.cipher, row, new Set<FieldGroup>(['identity'])).fields;
      const given = 'givenName' in changes ? changes.givenName : (current.givenName as string | undefined);
      const family = 'familyName' in changes ? changes.familyName : (current.familyName as string | undefined);
      encoded.name_index = nameIndexOf(platform.cipher, given, family);
    }
    if (!(await updatePersonRow(trx, personId, version, encoded, at))) {
      const current = await findPersonRow(trx, personId);
      throw staleVersion('person', current?.version ?? version);
    }
    record({ action: 'person.update', recordType: 'person', recordId: personId, fields: touched.map((f) => f.name) });
    const updated = await findPersonRow(trx, personId);
    return toPersonRecord(platform.cipher, updated!, groups);
  });
}

export async function listPersons(
  platform: Platform,
  ctx: RequestContext,
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: PersonRecord[]; nextCursor: string | null }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const rows = await listVisiblePersonRows(trx, actor.agencyId, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const items: PersonRecord[] = [];
    for (const row of page) {
      const groups = await personFieldGroups(trx, actor, row.id);
      if (!groups) continue;
      const person = toPersonRecord(platform.cipher, row, groups);
      // Listing names is reading them: each person listed gets a read event.
      record({ action: 'person.read', recordType: 'person', recordId: row.id, fields: presentFields(person) });
      items.push(person);
    }
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
  });
}
