import type { AssistanceTable } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';
import { destroyCiphertexts, type DestroyedColumns } from '../../platform/db/destroy-ciphertexts.js';

/** Inserts assistance rows, 200 per statement (a quay's worth of blankets is a few statements). */
export async function insertAssistanceRows(unit: StoreUnit, rows: readonly AssistanceTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await unit.db.insertInto('assistance').values(rows.slice(i, i + 200)).execute();
}

/** The assistance log of a person, in the order it was given. */
export async function assistanceRows(unit: StoreUnit, personId: string): Promise<AssistanceTable[]> {
  return unit.db.selectFrom('assistance').selectAll().where('person_id', '=', personId).orderBy('given_at').execute();
}

/** A purge: destroys these encrypted columns of the person's assistance records; answers how many rows had them. */
export async function eraseAssistanceOf(unit: StoreUnit, personId: string, columns: DestroyedColumns): Promise<number> {
  const ids = (await unit.db.selectFrom('assistance').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
  await destroyCiphertexts(unit, 'assistance', ids, columns);
  return ids.length;
}

/** A merge: the person's assistance records follow them to `toPersonId`; answers the ids that moved, per table. */
export async function moveAssistanceRecords(unit: StoreUnit, fromPersonId: string, toPersonId: string): Promise<{ assistance: string[] }> {
  const assistance = (await unit.db.selectFrom('assistance').select('id').where('person_id', '=', fromPersonId).execute()).map((row) => row.id);
  if (assistance.length > 0) await unit.db.updateTable('assistance').set({ person_id: toPersonId }).where('id', 'in', assistance).execute();
  return { assistance };
}

/** An unmerge: these assistance records go back to `toPersonId`. */
export async function returnAssistanceRecords(unit: StoreUnit, moved: { assistance?: readonly string[] }, toPersonId: string): Promise<void> {
  if (moved.assistance && moved.assistance.length > 0) await unit.db.updateTable('assistance').set({ person_id: toPersonId }).where('id', 'in', [...moved.assistance]).execute();
}
