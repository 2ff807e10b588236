import { randomBytes } from 'node:crypto';
import type { AllegationStatus } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Queryable } from '../../platform/db/database.js';
import type { AllegationTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';

// Allegations of failure to assist, as stored and as the oversight body sees them. The filer's
// description, the findings and the remedy are encrypted; the receipt is kept only as its hash.

export interface AllegationView {
  id: string;
  status: AllegationStatus;
  description: string;
  /** The user who filed it; null when filed anonymously through the public form. */
  filedBy: string | null;
  personId: string | null;
  obligationId: string | null;
  incidentId: string | null;
  oversightAgencyId: string | null;
  findings: string | null;
  remedy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const allegationPlace = (column: 'description_enc' | 'findings_enc' | 'remedy_enc', id: string): string => placeOf('allegations', column, id);

export function allegationView(cipher: FieldCipher, row: AllegationTable): AllegationView {
  return {
    id: row.id,
    status: row.status as AllegationStatus,
    description: cipher.decrypt(row.description_enc, allegationPlace('description_enc', row.id)),
    filedBy: row.filed_by,
    personId: row.person_id,
    obligationId: row.obligation_id,
    incidentId: row.incident_id,
    oversightAgencyId: row.oversight_agency_id,
    findings: cipher.decryptNullable(row.findings_enc, allegationPlace('findings_enc', row.id)),
    remedy: cipher.decryptNullable(row.remedy_enc, allegationPlace('remedy_enc', row.id)),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A receipt code: `HVN-` and 16 base32 characters, 80 random bits, shown once and stored only as its hash. */
export function newReceipt(): string {
  return `HVN-${base32(randomBytes(10))}`;
}

/** The oversight agency an allegation goes to unless handed on: the first one registered. */
export async function defaultOversightAgency(q: Queryable): Promise<string | null> {
  const row = await q.selectFrom('agencies').select('id').where('type', '=', 'oversight').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

export async function isOversightAgency(q: Queryable, agencyId: string): Promise<boolean> {
  return (await q.selectFrom('agencies').select('id').where('id', '=', agencyId).where('type', '=', 'oversight').executeTakeFirst()) !== undefined;
}

export async function findAllegation(q: Queryable, id: string): Promise<AllegationTable | undefined> {
  return q.selectFrom('allegations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAllegationByReceipt(q: Queryable, receiptHash: string): Promise<Pick<AllegationTable, 'id' | 'status' | 'updated_at'> | undefined> {
  return q.selectFrom('allegations').select(['id', 'status', 'updated_at']).where('receipt_hash', '=', receiptHash).executeTakeFirst();
}

/**
 * Allegations an oversight agency handles: those assigned to it, and those not yet assigned to
 * any (filed while no oversight agency existed), newest first.
 */
export async function listAllegationRows(q: Queryable, agencyId: string, status: AllegationStatus | undefined, cursor: Cursor | undefined, limit: number): Promise<AllegationTable[]> {
  let query = q
    .selectFrom('allegations')
    .selectAll()
    .where((eb) => eb.or([eb('oversight_agency_id', '=', agencyId), eb('oversight_agency_id', 'is', null)]));
  if (status) query = query.where('status', '=', status);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** The person an obligation is owed to, if the obligation exists. */
export async function obligationSubject(q: Queryable, obligationId: string): Promise<{ personId: string } | undefined> {
  const row = await q.selectFrom('obligations').select('person_id').where('id', '=', obligationId).executeTakeFirst();
  return row && { personId: row.person_id };
}

export async function personExists(q: Queryable, personId: string): Promise<boolean> {
  return (await q.selectFrom('persons').select('id').where('id', '=', personId).executeTakeFirst()) !== undefined;
}
