import type { RegistrationPersonInput } from '@haven/core';
import type { AuditEvent } from '../../platform/audit/chain.js';
import { unprocessable } from '../../platform/http/problem.js';
import type { Actor, Platform } from '../../platform/context.js';
import type { CaseTable, EncounterTable, ObligationTable, PersonTable, ScreeningTable } from '../../platform/db/schema.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { deriveFlags } from '@haven/core';
import { matchKeyRows } from '../duplicates/service.js';
import { planHandovers, recordHandovers } from '../handover/service.js';
import { factsOfNewPerson } from '../obligations/case-facts.js';
import { obligationsOfNewPersons } from '../obligations/refresh.js';
import { birthDateColumns } from './birth-date.js';
import type { StoreUnit } from '../../store/unit.js';
import { encodePersonFields, insertRegistrationRows, nameIndexOf, recordFromInput, type PersonRecord } from './store.js';

/** One person to register, and by whom. */
export interface Registration {
  actor: Actor;
  input: RegistrationPersonInput;
}

type Where = (Pick<EncounterTable, 'id' | 'type' | 'occurred_at'> & { area?: string | null }) | null;

/**
 * Registers persons (one, or a boat's worth) in the caller's transaction: each gets a record, a
 * case in the registering agency, a first screening when indicators were seen, and the
 * obligations the engine derives. Rows are inserted together (insertTogether), so a 1,000-person
 * encounter is a handful of statements, not thousands, and a few single registrations one.
 */
export async function registerPersons(unit: StoreUnit, actor: Actor, inputs: readonly RegistrationPersonInput[], encounter: Where): Promise<PersonRecord[]> {
  const prepared = prepareRegistrations(unit.platform, inputs.map((input) => ({ actor, input })), encounter);
  for (const registration of prepared) registration.events.forEach((event) => unit.record(event));
  await storeRegistrations(unit, prepared, encounter);
  return prepared.map((registration) => registration.answer);
}

/** What registering a person writes, built before any transaction, and the answer to give. */
export interface PreparedRegistration {
  person: PersonTable;
  caseRow: CaseTable;
  screening: ScreeningTable | undefined;
  matchKeys: { key_index: string; person_id: string }[];
  obligations: ObligationTable[];
  /** The person's indicators, derived and observed: a handover rule takes some up at once. */
  flags: ReadonlySet<string>;
  events: AuditEvent[];
  answer: PersonRecord;
}

/**
 * The rows, audit events and answers of registrations, from the input alone: encryption, blind
 * indexes and the engine need no database, so single registrations do this before they join a
 * group's transaction, which then holds the audit chain's lock only for the writes. Refuses (422) a birth date in the future.
 */
export function prepareRegistrations(platform: Platform, registrations: readonly Registration[], encounter: Where): PreparedRegistration[] {
  const encounterId = encounter?.id ?? null;
  const at = platform.clock().toISOString();
  const today = at.slice(0, 10);
  registrations.forEach(({ input }, index) => {
    if (input.birthDate && input.birthDate > today) {
      // A mass registration (encounterId set) names the person by index, even when it holds only one.
      throw unprocessable(encounterId !== null ? `persons.${index}.birthDate` : 'birthDate', `${input.birthDate} is in the future`);
    }
  });
  const prepared = registrations.map(({ actor, input }) => {
    const { indicators, ...fields } = input;
    const id = newRecordId();
    const person: PersonTable = {
      id,
      registering_agency_id: actor.agencyId,
      created_by: actor.userId,
      encounter_id: encounterId,
      given_name_enc: null,
      family_name_enc: null,
      name_script: null,
      transliterations_enc: null,
      aliases_enc: null,
      other_names_enc: null,
      sex: fields.sex,
      birth_date_enc: null,
      birth_date_precision: null,
      age_claimed: null,
      age_disputed: 0,
      nationality: null,
      languages: '[]',
      accompaniment: null,
      phone_enc: null,
      address_enc: null,
      ...encodePersonFields(platform.cipher, id, fields),
      ...birthDateColumns(platform.cipher, fields.birthDate, fields.birthDatePrecision, encounter?.occurred_at),
      name_index: nameIndexOf(platform.cipher, fields.givenName, fields.familyName),
      version: 1,
      created_at: at,
      updated_at: at,
    };
    const caseRow: CaseTable = {
      id: newRecordId(),
      person_id: id,
      agency_id: actor.agencyId,
      officer_id: actor.userId,
      stage: indicators && indicators.length > 0 ? 'screened' : 'registered',
      risk_level: null,
      consular_choice: 'not_asked',
      asylum_claim: 'none',
      best_interests_determined: 0,
      stage_reason_enc: null,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    const events: AuditEvent[] = [{ action: 'person.create', recordType: 'person', recordId: id, fields: Object.keys(fields) }];
    let screening: ScreeningTable | undefined;
    if (indicators && indicators.length > 0) {
      screening = {
        id: newRecordId(),
        person_id: id,
        screening_version: 1,
        indicators: JSON.stringify([...new Set(indicators)].sort()),
        statement_enc: null,
        statement_language: null,
        screened_by: actor.userId,
        screened_at: at,
        created_at: at,
      };
      events.push({ action: 'screening.create', recordType: 'screening', recordId: screening.id, fields: ['indicators'] });
    }
    const personFacts = factsOfNewPerson(person, fields.birthDate ?? null, caseRow, encounter ?? undefined, screening?.indicators);
    const facts = new Map([[id, personFacts]]);
    return {
      person,
      caseRow,
      screening,
      matchKeys: matchKeyRows(platform.cipher, id, input),
      obligations: obligationsOfNewPersons(platform, facts).rows,
      flags: new Set<string>(deriveFlags(personFacts.input)),
      events,
      answer: recordFromInput(person, fields, actor.fieldGroups),
    };
  });
  return prepared;
}

/** Writes prepared registrations in the unit's transaction, all together. */
export async function storeRegistrations(unit: StoreUnit, prepared: readonly PreparedRegistration[], encounter: Where): Promise<void> {
  // Handed over by the profile's rules before the rows are written: the case and its obligations
  // are the receiving agency's from the first moment.
  const handovers = await planHandovers(
    unit,
    prepared.map((registration) => ({
      registeringAgencyId: registration.person.registering_agency_id,
      caseRow: registration.caseRow,
      obligations: registration.obligations,
      flags: registration.flags,
      encounterArea: encounter ? (encounter.area ?? null) : null,
    })),
  );
  await insertRegistrationRows(unit, {
    persons: prepared.map((registration) => registration.person),
    cases: prepared.map((registration) => registration.caseRow),
    screenings: prepared.flatMap((registration) => (registration.screening ? [registration.screening] : [])),
    matchKeys: prepared.flatMap((registration) => registration.matchKeys),
    obligations: prepared.flatMap((registration) => registration.obligations),
  });
  await recordHandovers(unit, handovers);
  // The indicators count persons met in an encounter; one registered on their own counts in none
  // until an encounter is recorded for them (which restates them), and has no ledger entry yet.
  if (encounter) unit.statsChanged(prepared.map((registration) => registration.person.id));
}
