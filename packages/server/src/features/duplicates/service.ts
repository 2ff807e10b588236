import { DEFAULT_MATCH_THRESHOLD, preparePerson, scorePair, type FieldGroup, type LikelyDuplicate, type PreparedPerson } from '@haven/core';
import type { Actor, Platform } from '../../platform/context.js';
import type { PersonTable } from '../../platform/db/schema.js';
import { forbidden, notFound } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { toPersonRecord } from '../persons/service.js';
import { candidatePersonIds, matchPersonOf, personRow, personRows, replaceMatchKeys, type MatchFields } from './store.js';

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
export async function likelyDuplicates(store: ScopedStore, personId: string): Promise<LikelyDuplicate[]> {
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('identity')) throw forbidden('Your role may not read identity fields, which matching compares.');
    const row = await personRow(unit, personId);
    if (!row || row.merged_into) throw notFound('person');
    return duplicatesOf(unit, unit.actor, new CandidateReading(unit), row);
  });
}

/**
 * Likely duplicates of persons the caller has just registered (a registration answer that asks
 * for them), in one audited unit. A role that may not read identity fields gets none listed.
 */
export async function likelyDuplicatesOfRegistered(store: ScopedStore, personIds: readonly string[]): Promise<Map<string, LikelyDuplicate[]>> {
  const { actor } = store;
  const found = new Map<string, LikelyDuplicate[]>(personIds.map((id) => [id, []]));
  if (personIds.length === 0 || !actor.fieldGroups.has('identity')) return found;
  return store.unit(async (unit) => {
    const reading = new CandidateReading(unit);
    for (const row of await personRows(unit, personIds)) found.set(row.id, await duplicatesOf(unit, actor, reading, row));
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
export { deleteMatchKeysOf, eraseMergesOf } from './store.js';
