import type { FieldGroup, PersonInput, RegistrationPersonInput } from '@haven/core';
import type { CoalescedWork } from '../../platform/audit/recorder.js';
import type { Platform } from '../../platform/context.js';
import { encodeCursor, type Cursor } from '../../platform/http/pagination.js';
import { forbidden, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import { settled, StoreUnit } from '../../store/unit.js';
import { changesMatchFields, refreshMatchKeys } from '../duplicates/service.js';
import { birthDateColumns, birthDateOf } from './birth-date.js';
import { PERSON_FIELDS } from './fields.js';
import { prepareRegistrations, storeRegistrations, type PreparedRegistration } from './registration.js';
import {
  encodePersonFields,
  encounterTime,
  findPersonRow,
  listVisiblePersonRows,
  nameIndexOf,
  personRowsByIds,
  toPersonRecord,
  updatePersonRow,
  type PersonRecord,
  type PersonValues,
} from './store.js';

/** How a person row reads for the caller's field groups, for features that list persons in their own terms. */
export { toPersonRecord, type PersonRecord } from './store.js';
/** A merge of duplicate records marks the merged one (and an unmerge clears it). */
export { setMergedInto } from './store.js';

/** Field names of a record that are present: what an audit event says was read or written. */
function presentFields(record: PersonRecord): string[] {
  return Object.keys(record.fields);
}

/**
 * Single registrations committing together (many field devices at once) are inserted as one
 * batch, as a mass registration is; each request keeps its own answer, audit events and errors.
 * Each is prepared (encrypted, keyed, assessed) before it joins the group's transaction.
 */
const singleRegistration: CoalescedWork<{ platform: Platform; prepared: PreparedRegistration }, PersonRecord> = {
  name: 'person registration',
  async run(trx, items) {
    for (const { input, record } of items) input.prepared.events.forEach(record);
    // Each request recorded its own events above; the unit only carries the shared transaction.
    const { platform } = items[0]!.input;
    await settled(new StoreUnit(platform, trx, () => {}, items[0]!.afterCommit), (unit) => storeRegistrations(unit, items.map(({ input }) => input.prepared), null));
    return items.map(({ input }) => input.prepared.answer);
  },
};

/** Registers one person (optionally with first indicators) and opens their case in the registering agency. */
export async function createPerson(store: ScopedStore, input: RegistrationPersonInput): Promise<PersonRecord> {
  const { platform } = store;
  const [prepared] = prepareRegistrations(platform, [{ actor: store.actor, input }], null);
  return store.coalesced(singleRegistration, { platform, prepared: prepared! });
}

export async function readPerson(store: ScopedStore, personId: string): Promise<PersonRecord> {
  return store.unit((unit) =>
    unit.read(
      { personId, recordType: 'person', recordId: personId },
      async (groups) => {
        const row = await findPersonRow(unit, personId);
        return row && toPersonRecord(store.platform.cipher, row, groups);
      },
      presentFields,
    ),
  );
}

/**
 * The person's fields of these groups, for a feature that narrowed the groups itself (a referral's
 * printed form, within what it shares); undefined when there is no such person. The caller
 * records the read, naming the fields it returns.
 */
export async function personFieldsOf(unit: StoreUnit, personId: string, groups: ReadonlySet<FieldGroup>): Promise<PersonValues | undefined> {
  const row = await findPersonRow(unit, personId);
  return row && toPersonRecord(unit.platform.cipher, row, groups).fields;
}

export async function updatePerson(
  store: ScopedStore,
  personId: string,
  version: number,
  changes: Partial<PersonInput>,
): Promise<PersonRecord> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const groups = await unit.caseGroups(personId);
    const row = await findPersonRow(unit, personId);
    if (!row) throw notFound('person');
    const touched = PERSON_FIELDS.filter((f) => f.name in changes);
    const hidden = touched.find((f) => !groups.has(f.group));
    if (hidden) throw forbidden(`Your role may not change ${hidden.name}.`);
    if (row.version !== version) throw staleVersion('person', row.version);
    if (changes.birthDate && changes.birthDate > at.slice(0, 10)) throw unprocessable('birthDate', `${changes.birthDate} is in the future`);
    const encoded = encodePersonFields(platform.cipher, personId, changes);
    if ('birthDate' in changes || 'birthDatePrecision' in changes) {
      const birthDate = 'birthDate' in changes ? changes.birthDate : birthDateOf(platform.cipher, row);
      const precision = 'birthDatePrecision' in changes ? changes.birthDatePrecision : row.birth_date_precision;
      const occurredAt = row.encounter_id ? await encounterTime(unit, row.encounter_id) : undefined;
      Object.assign(encoded, birthDateColumns(platform.cipher, birthDate, precision, occurredAt));
    }
    if ('givenName' in changes || 'familyName' in changes) {
      const current = toPersonRecord(platform.cipher, row, new Set<FieldGroup>(['identity'])).fields;
      const given = 'givenName' in changes ? changes.givenName : (current.givenName as string | undefined);
      const family = 'familyName' in changes ? changes.familyName : (current.familyName as string | undefined);
      encoded.name_index = nameIndexOf(platform.cipher, given, family);
    }
    await updatePersonRow(unit, personId, version, encoded, at);
    unit.record({ action: 'person.update', recordType: 'person', recordId: personId, fields: touched.map((f) => f.name) });
    if (changesMatchFields(changes)) await refreshMatchKeys(unit, personId);
    // Age, sex, accompaniment and nationality change what the State owes the person.
    unit.factsChanged([personId]);
    const updated = await findPersonRow(unit, personId);
    return toPersonRecord(platform.cipher, updated!, groups);
  });
}

export async function listPersons(
  store: ScopedStore,
  cursor: Cursor | undefined,
  limit: number,
): Promise<{ items: PersonRecord[]; nextCursor: string | null }> {
  return store.unit(async (unit) => {
    const rows = await listVisiblePersonRows(unit, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const items: PersonRecord[] = [];
    for (const row of page) {
      const groups = await unit.groupsOf(row.id);
      if (!groups) continue;
      const person = toPersonRecord(store.platform.cipher, row, groups);
      // Listing names is reading them: each person listed gets a read event.
      unit.readDone({ recordType: 'person', recordId: row.id }, presentFields(person));
      items.push(person);
    }
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
  });
}

/** What a purge and a merge ask of the person's record. */
export { deleteFamilyLinksOf, deleteIdentityDocumentsOf, eraseIdentityDocumentsOf, erasePersonRecordOf, keepYearOfBirthOnly, moveDocumentRecords, returnDocumentRecords } from './store.js';

/**
 * The names of persons of the caller's agency's cases, for a work queue that would otherwise show
 * an id ("Case 416d82de"): only for a role that sees the identity group, and each name shown is a
 * read of the record, audited like any other. A person without a recorded name answers null.
 */
export async function namesOfCasePersons(unit: ScopedUnit, personIds: readonly string[]): Promise<Map<string, string | null>> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0 || !unit.actor.fieldGroups.has('identity')) return new Map();
  const groups = new Set<FieldGroup>(['identity']);
  const rows = await personRowsByIds(unit, ids);
  return new Map(
    rows.map((row) => {
      const { givenName, familyName } = toPersonRecord(unit.platform.cipher, row, groups).fields;
      const named = [givenName, familyName].filter((part): part is string => typeof part === 'string' && part !== '');
      unit.readDone({ recordType: 'person', recordId: row.id }, named.length > 0 ? ['givenName', 'familyName'].filter((f) => (f === 'givenName' ? givenName : familyName)) : []);
      return [row.id, named.length > 0 ? named.join(' ') : null];
    }),
  );
}
