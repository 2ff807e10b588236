import type { AuditEventsPage } from '@haven/core';
import { verifyAuditChain } from '../../platform/audit/chain.js';
import type { Platform } from '../../platform/context.js';
import { badRequest } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { staffNames } from '../identity/names.js';
import { auditEventRows } from './store.js';

/** A page of the audit trail, oldest first; reading it is itself audited. */
export async function auditEvents(
  store: ScopedStore,
  query: { after: number; limit: number; recordType?: string | undefined; recordId?: string | undefined },
): Promise<AuditEventsPage> {
  const { after, limit, recordType, recordId } = query;
  if (recordId && !recordType) throw badRequest('query:recordType', 'required with recordId');
  return store.unit(async (unit) => {
    const page = await auditEventPage(unit, { after, limit, recordType, recordId });
    unit.record({ action: 'audit.read', recordType: 'audit_event', recordId: null });
    return page;
  });
}

/** One page of audit events as the API shows them (oldest first) and where the next page starts. */
export async function auditEventPage(
  unit: StoreUnit,
  filter: { after: number; limit: number; recordType?: string | undefined; recordId?: string | undefined },
): Promise<AuditEventsPage> {
  const rows = await auditEventRows(unit, { ...filter, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const names = await staffNames(unit.db, { users: page.map((r) => r.actor_user_id), agencies: page.map((r) => r.actor_agency_id) });
  return {
    items: page.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      actorUserId: r.actor_user_id,
      actorName: names.user(r.actor_user_id),
      actorAgencyId: r.actor_agency_id,
      actorAgencyName: names.agency(r.actor_agency_id),
      action: r.action,
      recordType: r.record_type,
      recordId: r.record_id,
      fields: JSON.parse(r.fields) as string[],
      requestId: r.request_id,
      clientAddress: r.client_address,
      hash: r.hash,
    })),
    nextAfter: rows.length > filter.limit ? Number(page[page.length - 1]!.seq) : null,
  };
}

/** Recomputes the hash chain and its keyed anchor. */
export function verifyAuditTrail(platform: Platform): ReturnType<typeof verifyAuditChain> {
  return verifyAuditChain(platform.database.db, platform.cipher);
}
