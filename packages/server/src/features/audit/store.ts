import type { AuditEventTable } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';

/** Audit events after a sequence number, oldest first, of one record type (and record) if given. */
export async function auditEventRows(unit: StoreUnit, filter: { after: number; limit: number; recordType?: string | undefined; recordId?: string | undefined }): Promise<AuditEventTable[]> {
  let query = unit.db.selectFrom('audit_events').selectAll().where('seq', '>', filter.after);
  if (filter.recordType) query = query.where('record_type', '=', filter.recordType);
  if (filter.recordId) query = query.where('record_id', '=', filter.recordId);
  return query.orderBy('seq').limit(filter.limit).execute();
}
