import { randomUUID } from 'node:crypto';
import { actorOf } from '../../platform/access/actor.js';
import { assertWorksOnCase, visibleGroupsOrThrow } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { ObligationTable } from '../../platform/db/schema.js';
import { conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.js';
import { refreshObligations } from '../obligations/refresh.js';

/**
 * Records of a person that follow them into the survivor on a merge (simple re-pointing). Access
 * grants do not: an agency shown one record by a referral must not see the other by a merge.
 */
const MOVED_TABLES = ['assistance', 'referrals', 'consents', 'identity_documents', 'age_assessments', 'detentions', 'consular_notifications', 'case_actions', 'guard_overrides'] as const;
type MovedTable = (typeof MOVED_TABLES)[number] | 'screenings' | 'obligations' | 'justice_links';

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

async function idsOf(q: Queryable, table: (typeof MOVED_TABLES)[number], personId: string): Promise<string[]> {
  const rows = await q.selectFrom(table).select('id').where('person_id', '=', personId).execute();
  return rows.map((row) => row.id);
}

async function latestIndicators(q: Queryable, personId: string): Promise<string[]> {
  const row = await q.selectFrom('screenings').select('indicators').where('person_id', '=', personId).orderBy('screening_version', 'desc').limit(1).executeTakeFirst();
  return row ? (JSON.parse(row.indicators) as string[]) : [];
}

/**
 * A supervisor merges `mergedId` into `survivorId`: screenings, assistance, referrals, consents,
 * documents, detentions, justice links and obligations move to the survivor; a new screening
 * combines both latest sets of indicators; the engine runs again on the survivor. The merged
 * record is no longer listed or matched, and its id answers with where it went.
 */
export async function mergePersons(platform: Platform, ctx: RequestContext, survivorId: string, mergedId: string, reason: string): Promise<PersonMerge> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    for (const id of [survivorId, mergedId]) {
      const groups = await assertWorksOnCase(trx, actor, id);
      if (!groups.has('identity')) throw forbidden('Merging needs the identity fields of both records.');
      if (survivorId === mergedId) throw unprocessable('duplicateId', 'a person cannot be merged with itself');
    }
    const persons = await trx.selectFrom('persons').select(['id', 'merged_into']).where('id', 'in', [survivorId, mergedId]).execute();
    if (persons.length !== 2) throw notFound('person');
    if (persons.some((p) => p.merged_into)) throw conflict('already_merged', 'One of these records was already merged into another.');

    const rows: MovedRows = { moved: {}, screeningVersions: {}, combinedScreeningId: null, setAside: [] };
    for (const table of MOVED_TABLES) {
      const ids = await idsOf(trx, table, mergedId);
      if (ids.length === 0) continue;
      await trx.updateTable(table).set({ person_id: survivorId }).where('id', 'in', ids).execute();
      rows.moved[table] = ids;
    }

    // Justice links are unique per investigation and role: one the survivor already has stays behind.
    const survivorLinks = await trx.selectFrom('justice_links').select(['investigation_id', 'role']).where('person_id', '=', survivorId).execute();
    const taken = new Set(survivorLinks.map((l) => `${l.investigation_id} ${l.role}`));
    const links = await trx.selectFrom('justice_links').select(['id', 'investigation_id', 'role']).where('person_id', '=', mergedId).execute();
    const movableLinks = links.filter((l) => !taken.has(`${l.investigation_id} ${l.role}`)).map((l) => l.id);
    if (movableLinks.length > 0) {
      await trx.updateTable('justice_links').set({ person_id: survivorId }).where('id', 'in', movableLinks).execute();
      rows.moved.justice_links = movableLinks;
    }

    // Screenings: renumbered after the survivor's, then one combining both latest sets of indicators.
    const combined = [...new Set([...(await latestIndicators(trx, survivorId)), ...(await latestIndicators(trx, mergedId))])].sort();
    const top = await trx.selectFrom('screenings').select('screening_version').where('person_id', '=', survivorId).orderBy('screening_version', 'desc').limit(1).executeTakeFirst();
    let version = top?.screening_version ?? 0;
    const screenings = await trx.selectFrom('screenings').select(['id', 'screening_version']).where('person_id', '=', mergedId).orderBy('screening_version').execute();
    for (const screening of screenings) {
      version += 1;
      rows.screeningVersions[screening.id] = screening.screening_version;
      await trx.updateTable('screenings').set({ person_id: survivorId, screening_version: version }).where('id', '=', screening.id).execute();
    }
    if (screenings.length > 0) {
      rows.moved.screenings = screenings.map((s) => s.id);
      rows.combinedScreeningId = randomUUID();
      await trx
        .insertInto('screenings')
        .values({ id: rows.combinedScreeningId, person_id: survivorId, screening_version: version + 1, indicators: JSON.stringify(combined), statement_enc: null, statement_language: null, screened_by: actor.userId, screened_at: at, created_at: at })
        .execute();
      record({ action: 'screening.create', recordType: 'screening', recordId: rows.combinedScreeningId, fields: ['indicators'] });
    }

    // Obligations: those the survivor lacks move; one the survivor already has is set aside.
    const survivorCodes = new Set((await trx.selectFrom('obligations').select('code').where('person_id', '=', survivorId).execute()).map((o) => o.code));
    const obligations = await trx.selectFrom('obligations').selectAll().where('person_id', '=', mergedId).execute();
    const moving = obligations.filter((o) => !survivorCodes.has(o.code)).map((o) => o.id);
    // One an allegation of failure to assist names stays where it is: the oversight record must hold.
    const alleged = new Set(
      obligations.length === 0
        ? []
        : (await trx.selectFrom('allegations').select('obligation_id').where('obligation_id', 'in', obligations.map((o) => o.id)).execute()).map((a) => a.obligation_id),
    );
    rows.setAside = obligations.filter((o) => survivorCodes.has(o.code) && !alleged.has(o.id));
    if (moving.length > 0) {
      await trx.updateTable('obligations').set({ person_id: survivorId }).where('id', 'in', moving).execute();
      rows.moved.obligations = moving;
    }
    if (rows.setAside.length > 0) await trx.deleteFrom('obligations').where('id', 'in', rows.setAside.map((o) => o.id)).execute();

    await trx.updateTable('persons').set({ merged_into: survivorId, updated_at: at }).where('id', '=', mergedId).execute();
    const id = randomUUID();
    await trx
      .insertInto('person_merges')
      .values({
        id,
        survivor_id: survivorId,
        merged_id: mergedId,
        moved_rows: JSON.stringify(rows),
        reason_enc: platform.cipher.encrypt(reason, placeOf('person_merges', 'reason_enc', id)),
        merged_by: actor.userId,
        merged_at: at,
        unmerged_by: null,
        unmerged_at: null,
        version: 1,
      })
      .execute();
    record({ action: 'person.merged', recordType: 'person', recordId: mergedId, fields: ['mergedInto'] });
    record({ action: 'person.merged', recordType: 'person', recordId: survivorId, fields: Object.keys(countsOf(rows)) });
    await refreshObligations(platform, trx, [survivorId]);
    return { id, survivorId, mergedId, mergedAt: at, unmergedAt: null, moved: countsOf(rows) };
  });
}

/** Undoes a merge exactly: every moved row goes back, versions as they were, set-aside obligations return. */
export async function unmergePersons(platform: Platform, ctx: RequestContext, mergeId: string): Promise<PersonMerge> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const merge = await trx.selectFrom('person_merges').selectAll().where('id', '=', mergeId).executeTakeFirst();
    if (!merge) throw notFound('merge');
    for (const id of [merge.survivor_id, merge.merged_id]) await assertWorksOnCase(trx, actor, id, 'merge');
    if (merge.unmerged_at) throw conflict('already_unmerged', 'This merge was already undone.');
    const rows = JSON.parse(merge.moved_rows) as MovedRows;
    if (rows.combinedScreeningId) await trx.deleteFrom('screenings').where('id', '=', rows.combinedScreeningId).execute();
    for (const [table, ids] of Object.entries(rows.moved) as [MovedTable, string[]][]) {
      if (table === 'screenings') continue;
      // An obligation the engine removed from the survivor since is recreated by the engine below.
      await trx.updateTable(table).set({ person_id: merge.merged_id }).where('id', 'in', ids).execute();
    }
    for (const [screeningId, version] of Object.entries(rows.screeningVersions)) {
      await trx.updateTable('screenings').set({ person_id: merge.merged_id, screening_version: version }).where('id', '=', screeningId).execute();
    }
    if (rows.setAside.length > 0) await trx.insertInto('obligations').values(rows.setAside).execute();
    await trx.updateTable('persons').set({ merged_into: null, updated_at: at }).where('id', '=', merge.merged_id).execute();
    const updated = await trx
      .updateTable('person_merges')
      .set({ unmerged_by: actor.userId, unmerged_at: at, version: merge.version + 1 })
      .where('id', '=', mergeId)
      .where('version', '=', merge.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict('already_unmerged', 'This merge was changed meanwhile.');
    record({ action: 'person.unmerged', recordType: 'person', recordId: merge.merged_id, fields: ['mergedInto'] });
    record({ action: 'person.unmerged', recordType: 'person', recordId: merge.survivor_id, fields: Object.keys(countsOf(rows)) });
    await refreshObligations(platform, trx, [merge.survivor_id, merge.merged_id]);
    return { id: merge.id, survivorId: merge.survivor_id, mergedId: merge.merged_id, mergedAt: merge.merged_at, unmergedAt: at, moved: countsOf(rows) };
  });
}

/** Where a merged-away person went (null while the record stands on its own). */
export async function mergedInto(platform: Platform, ctx: RequestContext, personId: string): Promise<{ personId: string; mergedInto: string | null; mergeId: string | null }> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await visibleGroupsOrThrow(trx, actor, personId);
    const row = await trx.selectFrom('persons').select(['merged_into']).where('id', '=', personId).executeTakeFirst();
    if (!row) throw notFound('person');
    record({ action: 'person.read', recordType: 'person', recordId: personId, fields: ['mergedInto'] });
    const merge = row.merged_into
      ? await trx.selectFrom('person_merges').select('id').where('merged_id', '=', personId).where('unmerged_at', 'is', null).executeTakeFirst()
      : undefined;
    return { personId, mergedInto: row.merged_into ?? null, mergeId: merge?.id ?? null };
  });
}
