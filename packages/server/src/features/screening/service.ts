import type { ObservedIndicator, ScreeningView } from '@haven/core';
import { randomUUID } from 'node:crypto';
import { placeOf } from '../../platform/crypto/cipher.js';
import { forbidden } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { assertNotFuture } from '../assistance/service.js';
import { advanceCaseStage, lockCase } from '../cases/service.js';
import { insertScreening, lastScreeningVersion, screeningRows } from './store.js';

export interface ScreeningInput {
  indicators: ObservedIndicator[];
  statement?: string | undefined;
  statementLanguage?: string | undefined;
  screenedAt?: string | undefined;
}

export type { ScreeningView } from '@haven/core';

const statementPlace = (id: string) => placeOf('screenings', 'statement_enc', id);

/** Adds a screening version: the previous ones stay as they were (history, never overwritten). */
export async function screenPerson(store: ScopedStore, personId: string, input: ScreeningInput): Promise<ScreeningView> {
  const { platform, actor } = store;
  if (input.screenedAt) assertNotFuture(platform, 'screenedAt', input.screenedAt);
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    // Concurrent screenings of one person take their turn, each reading the version the previous
    // one committed (no duplicate version, no 500).
    await lockCase(unit, personId);
    const version = (await lastScreeningVersion(unit, personId)) + 1;
    const id = randomUUID();
    const row = {
      id,
      person_id: personId,
      screening_version: version,
      indicators: JSON.stringify([...new Set(input.indicators)].sort()),
      statement_enc: platform.cipher.encryptNullable(input.statement, statementPlace(id)),
      statement_language: input.statementLanguage ?? null,
      screened_by: actor.userId,
      screened_at: input.screenedAt ? new Date(input.screenedAt).toISOString() : at,
      created_at: at,
    };
    // The unique (person, version) key refuses a concurrent screening that read the same last version.
    await insertScreening(unit, row);
    await advanceCaseStage(unit, personId, 'screened', at, { newVersion: false });
    unit.record({ action: 'screening.create', recordType: 'screening', recordId: id, fields: ['indicators', ...(input.statement ? ['statement'] : [])] });
    unit.factsChanged([personId]);
    return { id, version, indicators: JSON.parse(row.indicators) as string[], statement: input.statement ?? null, statementLanguage: row.statement_language, screenedBy: actor.userId, screenedAt: row.screened_at };
  });
}

/**
 * Indicators about health: what a clinic given the health group (an emergency-medical referral)
 * needs to see, without the protection indicators (fear of return, trafficking) beside them.
 */
export const HEALTH_INDICATORS: ReadonlySet<string> = new Set([
  'medical_emergency',
  'medical_need',
  'injured',
  'pregnant',
  'disability',
  'psychological_distress',
]);

/**
 * Every screening version, oldest first. All indicators need the protection group; with the
 * health group alone only health indicators are shown; statements need the statements group.
 */
export async function screeningHistory(store: ScopedStore, personId: string): Promise<ScreeningView[]> {
  const { platform } = store;
  return store.unit(async (unit) => {
    const groups = await unit.visibleGroups(personId);
    if (!groups.has('protection') && !groups.has('health')) throw forbidden('Screening results are not among the fields shared with you.');
    const visible = (indicators: string[]) => (groups.has('protection') ? indicators : indicators.filter((i) => HEALTH_INDICATORS.has(i)));
    const rows = await screeningRows(unit, personId);
    const withStatements = groups.has('statements');
    unit.readDone(
      { recordType: 'person', recordId: personId, action: 'screening.read' },
      [groups.has('protection') ? 'indicators' : 'healthIndicators', ...(withStatements ? ['statement'] : [])],
    );
    return rows.map((row) => ({
      id: row.id,
      version: row.screening_version,
      indicators: visible(JSON.parse(row.indicators) as string[]),
      ...(withStatements ? { statement: platform.cipher.decryptNullable(row.statement_enc, statementPlace(row.id)) } : {}),
      statementLanguage: row.statement_language,
      screenedBy: row.screened_by,
      screenedAt: row.screened_at,
    }));
  });
}

/** What a merge of duplicate records does to screening versions: added, re-pointed and renumbered, removed on unmerge. */
export { deleteScreening, insertScreening, moveScreening } from './store.js';
export { eraseScreeningsOf } from './store.js';
