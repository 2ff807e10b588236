import { randomUUID } from 'node:crypto';
import type { FieldGroup, Fulfilment, ServiceGapInput, ServiceGapView, ServiceType } from '@haven/core';
import { placeOf } from '../../platform/crypto/cipher.js';
import { unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import { notify } from '../notifications/service.js';
import { personFieldsOf } from '../persons/service.js';
import { agencyUsersWith, insertServiceGapRow, isKnownArea, openObligationRows, serviceGapRows, userDisplayName, type ServiceGapRow } from './store.js';

// A service gap: the officer found no provider for a service the person needs in an area (none in
// the directory, or none that takes the referral) and records it. The obligation that calls for
// the service stays open: the State still owes it; the gap says why, to the agency's supervisors
// (their list, and a notification), to the coordinator (counted in the statistics) and to the
// oversight body (audited).

const place = (id: string) => placeOf('service_gaps', 'note_enc', id);

function servicesOf(fulfilledBy: Fulfilment): ServiceType[] {
  const referral = fulfilledBy.referral;
  return referral === undefined ? [] : Array.isArray(referral) ? referral : [referral];
}

async function openObligationsFor(unit: ScopedUnit, personId: string, service: ServiceType): Promise<string[]> {
  return (await openObligationRows(unit, personId)).filter((o) => servicesOf(JSON.parse(o.fulfilled_by) as Fulfilment).includes(service)).map((o) => o.code);
}

async function nameOf(unit: ScopedUnit, personId: string, groups: ReadonlySet<FieldGroup>): Promise<string | null> {
  if (!groups.has('identity')) return null;
  const values = await personFieldsOf(unit, personId, new Set<FieldGroup>(['identity']));
  const parts = [values?.givenName, values?.familyName].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}

/** Records that no service is available; only an agency working on the case records it (404 / 403 otherwise). */
export async function recordServiceGap(store: ScopedStore, input: ServiceGapInput): Promise<ServiceGapView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const groups = await unit.caseGroups(input.personId);
    // The statistics count gaps by area: an area is the jurisdiction's name for it, never free text.
    if (!(await isKnownArea(unit, input.area))) throw unprocessable('area', 'not an area of any agency, provider or pathway of the directory');
    const { actor } = unit;
    const id = randomUUID();
    const row = {
      id,
      person_id: input.personId,
      agency_id: actor.agencyId,
      service_type: input.serviceType,
      area: input.area,
      note_enc: platform.cipher.encryptNullable(input.note ?? null, place(id)),
      recorded_by: actor.userId,
      recorded_at: at,
    };
    await insertServiceGapRow(unit, row);
    unit.record({ action: 'service_gap.record', recordType: 'person', recordId: input.personId, fields: ['serviceType', 'area', ...(input.note ? ['note'] : [])] });
    const supervisors = (await agencyUsersWith(unit, actor.agencyId, 'guard:override')).filter((u) => u !== actor.userId);
    await notify(unit, { userIds: supervisors, kind: 'service_gap_recorded', personId: input.personId, at });
    const personName = await nameOf(unit, input.personId, groups);
    const openObligations = await openObligationsFor(unit, input.personId, input.serviceType);
    return viewOf(unit, { ...row, recorded_by_name: (await userDisplayName(unit, actor.userId)) ?? actor.username }, personName, openObligations);
  });
}

function viewOf(unit: ScopedUnit, row: ServiceGapRow, personName: string | null, openObligations: string[]): ServiceGapView {
  return {
    id: row.id,
    personId: row.person_id,
    personName,
    serviceType: row.service_type as ServiceType,
    area: row.area,
    note: unit.platform.cipher.decryptNullable(row.note_enc, place(row.id)),
    agencyId: row.agency_id,
    recordedBy: row.recorded_by_name,
    recordedAt: row.recorded_at,
    openObligations,
  };
}

/**
 * The service gaps my agency recorded, latest first (of one person, or all): for the supervisor's
 * list and the case page. A gap of a person no longer in my scope is left out; each one listed is
 * a read of the person's record, audited.
 */
export async function listServiceGaps(store: ScopedStore, query: { personId?: string | undefined; limit: number }): Promise<ServiceGapView[]> {
  return store.unit(async (unit) => {
    if (query.personId !== undefined) await unit.visibleGroups(query.personId);
    const rows = await serviceGapRows(unit, { agencyId: unit.actor.agencyId, personId: query.personId, limit: query.limit });
    const views: ServiceGapView[] = [];
    const seen = new Map<string, { groups: ReadonlySet<FieldGroup> | undefined; name: string | null }>();
    for (const row of rows) {
      let person = seen.get(row.person_id);
      if (!person) {
        const groups = await unit.groupsOf(row.person_id);
        person = { groups, name: groups ? await nameOf(unit, row.person_id, groups) : null };
        seen.set(row.person_id, person);
        if (groups) unit.readDone({ action: 'service_gap.read', recordType: 'person', recordId: row.person_id }, ['serviceGaps', ...(person.name ? ['givenName', 'familyName'] : [])]);
      }
      if (!person.groups) continue;
      views.push(viewOf(unit, row, person.name, await openObligationsFor(unit, row.person_id, row.service_type as ServiceType)));
    }
    return views;
  });
}
