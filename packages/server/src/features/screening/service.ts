import type { ObservedIndicator, ScreeningView } from '@haven/core';
import { randomUUID } from 'node:crypto';
import { assertWorksOnCase, visibleGroupsOrThrow } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import { forbidden } from '../../platform/http/problem.js';
import { assertNotFuture } from '../assistance/service.js';
import { lockCase } from '../cases/service.js';
import { refreshObligations } from '../obligations/refresh.js';
import { actorOf } from '../../platform/access/actor.js';

export interface ScreeningInput {
  indicators: ObservedIndicator[];
  statement?: string | undefined;
  statementLanguage?: string | undefined;
  screenedAt?: string | undefined;
}

export type { ScreeningView } from '@haven/core';

const statementPlace = (id: string) => placeOf('screenings', 'statement_enc', id);

/** Adds a screening version: the previous ones stay as they were (history, never overwritten). */
export async function screenPerson(platform: Platform, ctx: RequestContext, personId: string, input: ScreeningInput): Promise<ScreeningView> {
  const actor = actorOf(ctx);
  if (input.screenedAt) assertNotFuture(platform, 'screenedAt', input.screenedAt);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    // Concurrent screenings of one person take their turn, each reading the version the previous
    // one committed (no duplicate version, no 500).
    await lockCase(platform, trx, personId);
    const last = await trx.selectFrom('screenings').select(({ fn }) => fn.max('screening_version').as('v')).where('person_id', '=', personId).executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
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
    await trx.insertInto('screenings').values(row).execute();
    await trx.updateTable('cases').set({ stage: 'screened', updated_at: at }).where('person_id', '=', personId).where('stage', '=', 'registered').execute();
    record({ action: 'screening.create', recordType: 'screening', recordId: id, fields: ['indicators', ...(input.statement ? ['statement'] : [])] });
    await refreshObligations(platform, trx, [personId]);
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
export async function screeningHistory(platform: Platform, ctx: RequestContext, personId: string): Promise<ScreeningView[]> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('protection') && !groups.has('health')) throw forbidden('Screening results are not among the fields shared with you.');
    const visible = (indicators: string[]) => (groups.has('protection') ? indicators : indicators.filter((i) => HEALTH_INDICATORS.has(i)));
    const rows = await trx.selectFrom('screenings').selectAll().where('person_id', '=', personId).orderBy('screening_version').execute();
    const withStatements = groups.has('statements');
    record({
      action: 'screening.read',
      recordType: 'person',
      recordId: personId,
      fields: [groups.has('protection') ? 'indicators' : 'healthIndicators', ...(withStatements ? ['statement'] : [])],
    });
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
