import { idSchema } from '@haven/core';
import type { Platform, RequestContext } from '../../platform/context.js';
import type { HavenApp } from '../../platform/http/app.js';
import { ScopedStore, type ScopedUnit } from '../../store/scoped-store.js';
import { sharedOnlyByGrant } from './store.js';

// Minimisation that can be checked afterwards: an agency a referral shared some field groups
// with, asking for a part of the person it was not given (or after its access ended), gets
// nothing, and the attempt is in the audit trail for the oversight body.

/** A store for the refusal's own unit of work: the refused request's transaction rolled back, and its idempotency key is not this unit's. */
function refusalStore(platform: Platform, ctx: RequestContext): ScopedStore {
  const { idempotency: _unused, ...audit } = ctx.audit;
  return new ScopedStore(platform, { ...ctx, audit });
}

function recordRefusal(unit: ScopedUnit, personId: string, asked: readonly string[]): void {
  unit.record({ action: 'person.read_refused', recordType: 'person', recordId: personId, fields: asked });
}

/** Records a refused read of a person's record in its own transaction (the refused one rolled back). */
export async function auditRefusedRead(platform: Platform, ctx: RequestContext, personId: string, asked: readonly string[]): Promise<void> {
  await refusalStore(platform, ctx).unit(async (unit) => recordRefusal(unit, personId, asked));
}

const PERSON_ROUTE = '/api/persons/:id';

/**
 * Audits the refused reads of a person's record by agencies that hold or held an access grant to
 * that person and do not work on the case: a 403 (a part not shared) or a 404 (access ended) on
 * any `GET /api/persons/:id…` route. Recorded before the answer goes out.
 */
export function auditRefusedPersonReads(app: HavenApp, platform: Platform): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || (reply.statusCode !== 403 && reply.statusCode !== 404)) return payload;
    const route = request.routeOptions.url;
    if (route === undefined || (route !== PERSON_ROUTE && !route.startsWith(`${PERSON_ROUTE}/`))) return payload;
    const actor = request.ctx?.actor;
    if (!actor || actor.pending !== 'none') return payload;
    const personId = (request.params as { id?: unknown } | undefined)?.id;
    if (!idSchema.safeParse(personId).success) return payload;
    try {
      await refusalStore(platform, request.ctx).unit(async (unit) => {
        if (await sharedOnlyByGrant(unit, personId as string)) recordRefusal(unit, personId as string, [`${request.method} ${route}`]);
      });
    } catch (error) {
      // The refusal stands either way; a failure to record it is logged for the operators.
      request.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'could not audit a refused read');
    }
    return payload;
  });
}
