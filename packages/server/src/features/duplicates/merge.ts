import { randomUUID } from 'node:crypto';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { ObligationTable } from '../../platform/db/schema.js';
import { conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import { moveAssistanceRecords, returnAssistanceRecords } from '../assistance/service.js';
import { moveDetentionRecords, returnDetentionRecords } from '../cases/service.js';
import { moveJusticeLinks } from '../justice/service.js';
import { moveActionRecords, moveObligations, restoreObligations, returnActionRecords, setObligationsAside } from '../obligations/service.js';
import { moveDocumentRecords, returnDocumentRecords, setMergedInto } from '../persons/service.js';
import { moveReferralRecords, returnReferralRecords } from '../referrals/service.js';
import { deleteScreening, insertScreening, moveScreening } from '../screening/service.js';
import {
  allegedObligations,
  findMerge,
  insertMerge,
  justiceLinksOf,
  latestIndicators,
  markUnmerged,
  obligationsOf,
  personRow,
  personRows,
  screeningVersionsOf,
  standingMergeOf,
  topScreeningVersion,
} from './store.js';

/**
 * Records that carry nothing but the person's id follow them into the survivor, each moved by the
 * feature that owns it (in this order, the order a merge stores them in). Access grants do not: an
 * agency shown one record by a referral must not see the other by a merge.
 */
type FollowingTable =
  | 'assistance'
  | 'referrals'
  | 'consents'
  | 'identity_documents'
  | 'age_assessments'
  | 'detentions'
  | 'consular_notifications'
  | 'case_actions'
  | 'guard_overrides'
  | 'service_gaps';
type MovedTable = FollowingTable | 'screenings' | 'obligations' | 'justice_links';

/** What a merge changed, stored with it so that unmerge restores both records exactly. */
interface MovedRows {
  /** Row ids re-pointed from the merged person to the survivor, per table. */
  moved: Partial<Record<MovedTable, string[]>>;
  /** The merged person's screening versions before they were renumbered after the survivor's. */
  screeningVersions: Record<string, number>;
  /** The screening that combines both persons' latest indicators (removed on unmerge). */
  combinedScreeningId: string | null;
  /** The merged person's obligations the survivor already has (same code): kept here, removed there. */
  setAside: ObligationTable[];
}

export interface PersonMerge {
  id: string;
  survivorId: string;
  mergedId: string;
  mergedAt: string;
  unmergedAt: string | null;
  /** Rows that moved, per table. */
  moved: Record<string, number>;
}

function countsOf(rows: MovedRows): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, ids] of Object.entries(rows.moved)) if (ids && ids.length > 0) out[table] = ids.length;
  if (rows.setAside.length > 0) out.obligationsSetAside = rows.setAside.length;
  return out;
}

/**
 * A supervisor merges `mergedId` into `survivorId`: screenings, assistance, referrals, consents,
 * documents, detentions, justice links and obligations move to the survivor; a new screening
 * combines both latest sets of indicators; the engine runs again on the survivor. The merged
 * record is no longer listed or matched, and its id answers with where it went.
 */
export async function mergePersons(store: ScopedStore, survivorId: string, mergedId: string, reason: string): Promise<PersonMerge> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    for (const id of [survivorId, mergedId]) {
      const groups = await unit.caseGroups(id);
      if (!groups.has('identity')) throw forbidden('Merging needs the identity fields of both records.');
      if (survivorId === mergedId) throw unprocessable('duplicateId', 'a person cannot be merged with itself');
    }
    const persons = await personRows(unit, [survivorId, mergedId]);
    if (persons.length !== 2) throw notFound('person');
    if (persons.some((p) => p.merged_into)) throw conflict('already_merged', 'One of these records was already merged into another.');
    return mergeRecords(unit, survivorId, mergedId, reason, at);
  });
}

/**
 * The merge itself, once the caller's right to it is settled: by scope (`mergePersons`), or by an
 * accepted link request across agencies. Both records exist and neither is merged away.
 */
export async function mergeRecords(unit: ScopedUnit, survivorId: string, mergedId: string, reason: string, at: string): Promise<PersonMerge> {
  const { platform } = unit;
  const rows: MovedRows = { moved: {}, screeningVersions: {}, combinedScreeningId: null, setAside: [] };
  const following: Record<FollowingTable, string[]> = {
    ...(await moveAssistanceRecords(unit, mergedId, survivorId)),
    ...(await moveReferralRecords(unit, mergedId, survivorId)),
    ...(await moveDocumentRecords(unit, mergedId, survivorId)),
    ...(await moveDetentionRecords(unit, mergedId, survivorId)),
    ...(await moveActionRecords(unit, mergedId, survivorId)),
  };
  for (const [table, ids] of Object.entries(following) as [FollowingTable, string[]][]) if (ids.length > 0) rows.moved[table] = ids;

  // Justice links are unique per investigation and role: one the survivor already has stays behind.
  const taken = new Set((await justiceLinksOf(unit, survivorId)).map((l) => `${l.investigation_id} ${l.role}`));
  const movableLinks = (await justiceLinksOf(unit, mergedId)).filter((l) => !taken.has(`${l.investigation_id} ${l.role}`)).map((l) => l.id);
  if (movableLinks.length > 0) {
    await moveJusticeLinks(unit, movableLinks, survivorId);
    rows.moved.justice_links = movableLinks;
  }

  // Screenings: renumbered after the survivor's, then one combining both latest sets of indicators.
  const combined = [...new Set([...(await latestIndicators(unit, survivorId)), ...(await latestIndicators(unit, mergedId))])].sort();
  let version = await topScreeningVersion(unit, survivorId);
  const screenings = await screeningVersionsOf(unit, mergedId);
  for (const screening of screenings) {
    version += 1;
    rows.screeningVersions[screening.id] = screening.screening_version;
    await moveScreening(unit, screening.id, survivorId, version);
  }
  if (screenings.length > 0) {
    rows.moved.screenings = screenings.map((s) => s.id);
    rows.combinedScreeningId = randomUUID();
    await insertScreening(unit, {
      id: rows.combinedScreeningId,
      person_id: survivorId,
      screening_version: version + 1,
      indicators: JSON.stringify(combined),
      statement_enc: null,
      statement_language: null,
      screened_by: unit.actor.userId,
      screened_at: at,
      created_at: at,
    });
    unit.record({ action: 'screening.create', recordType: 'screening', recordId: rows.combinedScreeningId, fields: ['indicators'] });
  }

  // Obligations: those the survivor lacks move; one the survivor already has is set aside.
  const survivorCodes = new Set((await obligationsOf(unit, survivorId)).map((o) => o.code));
  const obligations = await obligationsOf(unit, mergedId);
  const moving = obligations.filter((o) => !survivorCodes.has(o.code)).map((o) => o.id);
  // One an allegation of failure to assist names stays where it is: the oversight record must hold.
  const alleged = await allegedObligations(unit, obligations.map((o) => o.id));
  rows.setAside = obligations.filter((o) => survivorCodes.has(o.code) && !alleged.has(o.id));
  if (moving.length > 0) {
    await moveObligations(unit, moving, survivorId);
    rows.moved.obligations = moving;
  }
  await setObligationsAside(unit, rows.setAside.map((o) => o.id));

  await setMergedInto(unit, mergedId, survivorId, at);
  const id = randomUUID();
  await insertMerge(unit, {
    id,
    survivor_id: survivorId,
    merged_id: mergedId,
    moved_rows: JSON.stringify(rows),
    reason_enc: platform.cipher.encrypt(reason, placeOf('person_merges', 'reason_enc', id)),
    merged_by: unit.actor.userId,
    merged_at: at,
    unmerged_by: null,
    unmerged_at: null,
    version: 1,
  });
  unit.record({ action: 'person.merged', recordType: 'person', recordId: mergedId, fields: ['mergedInto'] });
  unit.record({ action: 'person.merged', recordType: 'person', recordId: survivorId, fields: Object.keys(countsOf(rows)) });
  unit.factsChanged([survivorId]);
  return { id, survivorId, mergedId, mergedAt: at, unmergedAt: null, moved: countsOf(rows) };
}

/** Undoes a merge exactly: every moved row goes back, versions as they were, set-aside obligations return. */
export async function unmergePersons(store: ScopedStore, mergeId: string): Promise<PersonMerge> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const merge = await findMerge(unit, mergeId);
    if (!merge) throw notFound('merge');
    for (const id of [merge.survivor_id, merge.merged_id]) await unit.caseGroups(id, 'merge');
    if (merge.unmerged_at) throw conflict('already_unmerged', 'This merge was already undone.');
    const rows = JSON.parse(merge.moved_rows) as MovedRows;
    if (rows.combinedScreeningId) await deleteScreening(unit, rows.combinedScreeningId);
    // Each owner takes back its own tables' rows; screenings are renumbered below. An obligation
    // the engine removed from the survivor since is recreated by the engine below.
    for (const returnRecords of [returnAssistanceRecords, returnReferralRecords, returnDocumentRecords, returnDetentionRecords, returnActionRecords]) {
      await returnRecords(unit, rows.moved, merge.merged_id);
    }
    if (rows.moved.obligations) await moveObligations(unit, rows.moved.obligations, merge.merged_id);
    if (rows.moved.justice_links) await moveJusticeLinks(unit, rows.moved.justice_links, merge.merged_id);
    for (const [screeningId, version] of Object.entries(rows.screeningVersions)) await moveScreening(unit, screeningId, merge.merged_id, version);
    await restoreObligations(unit, rows.setAside);
    await setMergedInto(unit, merge.merged_id, null, at);
    if (!(await markUnmerged(unit, merge, unit.actor.userId, at))) throw conflict('already_unmerged', 'This merge was changed meanwhile.');
    unit.record({ action: 'person.unmerged', recordType: 'person', recordId: merge.merged_id, fields: ['mergedInto'] });
    unit.record({ action: 'person.unmerged', recordType: 'person', recordId: merge.survivor_id, fields: Object.keys(countsOf(rows)) });
    unit.factsChanged([merge.survivor_id, merge.merged_id]);
    return { id: merge.id, survivorId: merge.survivor_id, mergedId: merge.merged_id, mergedAt: merge.merged_at, unmergedAt: at, moved: countsOf(rows) };
  });
}

/** Where a merged-away person went (null while the record stands on its own). */
export async function mergedInto(store: ScopedStore, personId: string): Promise<{ personId: string; mergedInto: string | null; mergeId: string | null }> {
  return store.unit(async (unit) => {
    await unit.visibleGroups(personId);
    const row = await personRow(unit, personId);
    if (!row) throw notFound('person');
    unit.record({ action: 'person.read', recordType: 'person', recordId: personId, fields: ['mergedInto'] });
    const merge = row.merged_into ? await standingMergeOf(unit, personId) : undefined;
    return { personId, mergedInto: row.merged_into ?? null, mergeId: merge?.id ?? null };
  });
}
