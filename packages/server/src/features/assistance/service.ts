import type { AssistanceType, AssistanceView } from '@haven/core';
import { randomUUID } from 'node:crypto';
import { assertWorksOnCase, visibleGroupsOrThrow } from '../../platform/access/scope.js';
import type { RecordAudit } from '../../platform/audit/recorder.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Tx } from '../../platform/db/database.js';
import type { AssistanceTable } from '../../platform/db/schema.js';
import { forbidden, unprocessable } from '../../platform/http/problem.js';
import { refreshObligations } from '../obligations/refresh.js';
import { actorOf } from '../../platform/access/actor.js';

/** Clock skew tolerated for times given by field devices. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Refuses a time in the future (beyond clock skew), naming the field. */
export function assertNotFuture(platform: Platform, field: string, iso: string): void {
  if (Date.parse(iso) > platform.clock().getTime() + FUTURE_TOLERANCE_MS) throw unprocessable(field, 'is in the future');
}

export interface AssistanceGiven {
  type: AssistanceType;
  givenAt: string;
  place?: string | undefined;
  language?: string | undefined;
  notes?: string | undefined;
  encounterId?: string | undefined;
}

/** Records assistance given to these persons and lets it discharge their obligations, in the caller's transaction. */
export async function recordAssistance(
  platform: Platform,
  trx: Tx,
  record: RecordAudit,
  actor: Actor,
  personIds: readonly string[],
  given: AssistanceGiven,
): Promise<AssistanceTable[]> {
  assertNotFuture(platform, 'givenAt', given.givenAt);
  const at = platform.clock().toISOString();
  const rows: AssistanceTable[] = personIds.map((personId) => {
    const id = randomUUID();
    return {
      id,
      person_id: personId,
      encounter_id: given.encounterId ?? null,
      type: given.type,
      given_at: new Date(given.givenAt).toISOString(),
      given_by: actor.userId,
      place: given.place ?? null,
      language: given.language ?? null,
      notes_enc: platform.cipher.encryptNullable(given.notes, placeOf('assistance', 'notes_enc', id)),
      created_at: at,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('assistance').values(rows.slice(i, i + 200)).execute();
  for (const row of rows) {
    record({ action: 'assistance.create', recordType: 'assistance', recordId: row.id, fields: ['type', 'givenAt', ...(given.notes ? ['notes'] : [])] });
  }
  await refreshObligations(platform, trx, personIds);
  return rows;
}

export type { AssistanceView } from '@haven/core';

function view(platform: Platform, row: AssistanceTable): AssistanceView {
  return {
    id: row.id,
    type: row.type,
    givenAt: row.given_at,
    givenBy: row.given_by,
    place: row.place,
    language: row.language,
    notes: platform.cipher.decryptNullable(row.notes_enc, placeOf('assistance', 'notes_enc', row.id)),
    encounterId: row.encounter_id,
  };
}

export async function assistPerson(platform: Platform, ctx: RequestContext, personId: string, given: AssistanceGiven): Promise<AssistanceView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const [row] = await recordAssistance(platform, trx, record, actor, [personId], given);
    return view(platform, row!);
  });
}

/** The assistance log of a person (protection field group). */
export async function assistanceLog(platform: Platform, ctx: RequestContext, personId: string): Promise<AssistanceView[]> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    const groups = await visibleGroupsOrThrow(trx, actor, personId);
    if (!groups.has('protection')) throw forbidden('The assistance log is not among the fields shared with you.');
    const rows = await trx.selectFrom('assistance').selectAll().where('person_id', '=', personId).orderBy('given_at').execute();
    record({ action: 'assistance.read', recordType: 'person', recordId: personId, fields: ['assistance'] });
    return rows.map((row) => view(platform, row));
  });
}
