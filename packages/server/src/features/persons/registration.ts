import type { RegistrationPersonInput } from '@haven/core';
import type { RecordAudit } from '../../platform/audit/recorder.js';
import { unprocessable } from '../../platform/http/problem.js';
import type { Actor, Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import type { CaseTable, EncounterTable, PersonTable, ScreeningTable } from '../../platform/db/schema.js';
import { insertTogether } from '../../platform/db/insert-together.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { matchKeyRows } from '../duplicates/store.js';
import { factsOfNewPerson } from '../obligations/case-facts.js';
import { obligationsOfNewPersons } from '../obligations/refresh.js';
import { restatePersonStats } from '../stats/rollup.js';
import { encodePersonFields, nameIndexOf, recordFromInput, type PersonRecord } from './store.js';

/** One person to register, by whom, and where the request's audit events go. */
export interface Registration {
  actor: Actor;
  input: RegistrationPersonInput;
  record: RecordAudit;
}

/**
 * Registers persons (one, or a boat's worth) in the caller's transaction: each gets a record, a
 * case in the registering agency, a first screening when indicators were seen, and the
 * obligations the engine derives. Rows are inserted together (insertTogether), so a 1,000-person
 * encounter is a handful of statements, not thousands, and a few single registrations one.
 */
export async function registerPersons(
  platform: Platform,
  trx: Tx,
  record: RecordAudit,
  actor: Actor,
  inputs: readonly RegistrationPersonInput[],
  encounter: Pick<EncounterTable, 'id' | 'type' | 'occurred_at'> | null,
): Promise<PersonRecord[]> {
  return registerEach(platform, trx, inputs.map((input) => ({ actor, input, record })), encounter);
}

/** Registers persons who may come from different requests and officers (single registrations committed together). */
export async function registerEach(
  platform: Platform,
  trx: Tx,
  registrations: readonly Registration[],
  encounter: Pick<EncounterTable, 'id' | 'type' | 'occurred_at'> | null,
): Promise<PersonRecord[]> {
  const encounterId = encounter?.id ?? null;
  const at = platform.clock().toISOString();
  const today = at.slice(0, 10);
  registrations.forEach(({ input }, index) => {
    if (input.birthDate && input.birthDate > today) {
      // A mass registration (encounterId set) names the person by index, even when it holds only one.
      throw unprocessable(encounterId !== null ? `persons.${index}.birthDate` : 'birthDate', `${input.birthDate} is in the future`);
    }
  });
  const persons: PersonTable[] = [];
  const cases: CaseTable[] = [];
  const screenings: ScreeningTable[] = [];
  for (const { actor, input, record } of registrations) {
    const { indicators, ...fields } = input;
    const id = newRecordId();
    persons.push({
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
      birth_date: null,
      birth_date_precision: null,
      age_claimed: null,
      age_disputed: 0,
      nationality: null,
      languages: '[]',
      accompaniment: null,
      phone_enc: null,
      address_enc: null,
      ...encodePersonFields(platform.cipher, id, fields),
      name_index: nameIndexOf(platform.cipher, fields.givenName, fields.familyName),
      version: 1,
      created_at: at,
      updated_at: at,
    });
    cases.push({
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
    });
    record({ action: 'person.create', recordType: 'person', recordId: id, fields: Object.keys(fields) });
    if (indicators && indicators.length > 0) {
      const screeningId = newRecordId();
      screenings.push({
        id: screeningId,
        person_id: id,
        screening_version: 1,
        indicators: JSON.stringify([...new Set(indicators)].sort()),
        statement_enc: null,
        statement_language: null,
        screened_by: actor.userId,
        screened_at: at,
        created_at: at,
      });
      record({ action: 'screening.create', recordType: 'screening', recordId: screeningId, fields: ['indicators'] });
    }
  }
  const indicatorsOf = new Map(screenings.map((row) => [row.person_id, row.indicators]));
  const facts = new Map(
    persons.map((person, i) => [person.id, factsOfNewPerson(person, cases[i]!, encounter ?? undefined, indicatorsOf.get(person.id))]),
  );
  const obligations = obligationsOfNewPersons(platform, facts).rows;
  const matchKeys = persons.flatMap((person, i) => matchKeyRows(platform.cipher, person.id, registrations[i]!.input));
  await insertTogether(trx, platform.database.dialect, [
    { table: 'persons', rows: persons },
    { table: 'cases', rows: cases },
    { table: 'screenings', rows: screenings },
    { table: 'person_match_keys', rows: matchKeys },
    { table: 'obligations', rows: obligations },
  ]);
  // The indicators count persons met in an encounter; one registered on their own counts in none
  // until an encounter is recorded for them (which restates them), and has no ledger entry yet.
  if (encounter) await restatePersonStats(trx, persons.map((person) => person.id));
  return persons.map((person, i) => {
    const { actor, input } = registrations[i]!;
    const { indicators: _indicators, ...fields } = input;
    return recordFromInput(person, fields, actor.fieldGroups);
  });
}
