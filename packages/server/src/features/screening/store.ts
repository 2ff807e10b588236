import type { ScreeningTable } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

/** The latest screening version of the person (0 when never screened). */
export async function lastScreeningVersion(unit: StoreUnit, personId: string): Promise<number> {
  const last = await unit.db.selectFrom('screenings').select(({ fn }) => fn.max('screening_version').as('v')).where('person_id', '=', personId).executeTakeFirst();
  return Number(last?.v ?? 0);
}

/** Adds a screening version; the unique (person, version) key refuses a concurrent one that read the same last version. */
export async function insertScreening(unit: StoreUnit, row: ScreeningTable): Promise<void> {
  await unit.db.insertInto('screenings').values(row).execute();
}

/** Every screening version of the person, oldest first. */
export async function screeningRows(unit: StoreUnit, personId: string): Promise<ScreeningTable[]> {
  return unit.db.selectFrom('screenings').selectAll().where('person_id', '=', personId).orderBy('screening_version').execute();
}

/** Re-points a screening version to another person under a new number (a merge of duplicate records, or its undoing). */
export async function moveScreening(unit: StoreUnit, screeningId: string, toPersonId: string, version: number): Promise<void> {
  await unit.db.updateTable('screenings').set({ person_id: toPersonId, screening_version: version }).where('id', '=', screeningId).execute();
}

export async function deleteScreening(unit: StoreUnit, screeningId: string): Promise<void> {
  await unit.db.deleteFrom('screenings').where('id', '=', screeningId).execute();
}

/** A purge: destroys these encrypted columns of the person's screenings; answers how many rows had them. */
export async function eraseScreeningsOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('screenings').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'screenings', ids, columns);
  return ids.length;
}
