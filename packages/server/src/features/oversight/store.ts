import { randomBytes } from 'node:crypto';
import type { Allegation, AllegationStatus } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { AllegationTable } from '../../platform/db/schema.js';
import type { Cursor } from '../../platform/http/pagination.js';
import { notFound } from '../../platform/http/problem.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { DESTROYED_TEXT, destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

// Allegations of failure to assist, as stored and as the oversight body sees them. The filer's
// description, the findings and the remedy are encrypted; the receipt is kept only as its hash.

export const allegationPlace = (column: 'description_enc' | 'findings_enc' | 'remedy_enc', id: string): string => placeOf('allegations', column, id);

export function allegationView(cipher: FieldCipher, row: AllegationTable): Allegation {
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
export async function defaultOversightAgency(unit: StoreUnit): Promise<string | null> {
  const row = await unit.db.selectFrom('agencies').select('id').where('type', '=', 'oversight').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

export async function isOversightAgency(unit: StoreUnit, agencyId: string): Promise<boolean> {
  return (await unit.db.selectFrom('agencies').select('id').where('id', '=', agencyId).where('type', '=', 'oversight').executeTakeFirst()) !== undefined;
}

export async function insertAllegation(unit: StoreUnit, row: AllegationTable): Promise<void> {
  await unit.db.insertInto('allegations').values(row).execute();
}

async function findAllegation(unit: StoreUnit, id: string): Promise<AllegationTable | undefined> {
  return unit.db.selectFrom('allegations').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * An allegation reached by its id, for the oversight agency that handles it (or any, while it is
 * not yet assigned); to everyone else it does not exist.
 */
export async function handledAllegation(unit: ScopedUnit, id: string): Promise<AllegationTable> {
  const row = await findAllegation(unit, id);
  if (!row || (row.oversight_agency_id !== null && row.oversight_agency_id !== unit.actor.agencyId)) throw notFound('allegation');
  return row;
}

export async function updateAllegation(unit: StoreUnit, row: AllegationTable, set: Partial<AllegationTable>, at: string): Promise<AllegationTable> {
  await unit.updateVersioned({ table: 'allegations', id: row.id, version: row.version, set, recordType: 'allegation', at });
  return (await findAllegation(unit, row.id))!;
}

export async function findAllegationByReceipt(unit: StoreUnit, receiptHash: string): Promise<Pick<AllegationTable, 'id' | 'status' | 'updated_at'> | undefined> {
  return unit.db.selectFrom('allegations').select(['id', 'status', 'updated_at']).where('receipt_hash', '=', receiptHash).executeTakeFirst();
}

/**
 * Allegations the caller's oversight agency handles: those assigned to it, and those not yet
 * assigned to any (filed while no oversight agency existed), newest first.
 */
export async function listAllegationRows(unit: ScopedUnit, status: AllegationStatus | undefined, cursor: Cursor | undefined, limit: number): Promise<AllegationTable[]> {
  const { agencyId } = unit.actor;
  let query = unit.db
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
export async function obligationSubject(unit: StoreUnit, obligationId: string): Promise<{ personId: string } | undefined> {
  const row = await unit.db.selectFrom('obligations').select('person_id').where('id', '=', obligationId).executeTakeFirst();
  return row && { personId: row.person_id };
}

export async function personExists(unit: StoreUnit, personId: string): Promise<boolean> {
  return (await unit.db.selectFrom('persons').select('id').where('id', '=', personId).executeTakeFirst()) !== undefined;
}


/** Destroys an allegation's free text (description, findings, remedy) once it is past retention; its status and links stay. */
export async function eraseAllegationText(unit: StoreUnit, id: string, at: string): Promise<void> {
  await unit.db
    .updateTable('allegations')
    .set({ description_enc: unit.platform.cipher.encrypt(DESTROYED_TEXT, allegationPlace('description_enc', id)), findings_enc: null, remedy_enc: null, purged_at: at })
    .where('id', '=', id)
    .execute();
}

/** A purge: destroys these encrypted columns of the person's allegations; answers how many rows had them. */
export async function eraseAllegationsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('allegations').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'allegations', ids, columns);
  return ids.length;
}

/** A purge: the person's allegations are marked purged, their findings and remedy gone; the status and links stay. */
export async function markAllegationsPurged(unit: StoreUnit, personId: string, at: string): Promise<void> {
  await unit.db.updateTable('allegations').set({ findings_enc: null, remedy_enc: null, purged_at: at }).where('person_id', '=', personId).execute();
}
