import type { AssistanceTable } from '../../platform/db/schema.js';
import type { StoreUnit } from '../../store/unit.js';

/** Inserts assistance rows, 200 per statement (a quay's worth of blankets is a few statements). */
export async function insertAssistanceRows(unit: StoreUnit, rows: readonly AssistanceTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await unit.db.insertInto('assistance').values(rows.slice(i, i + 200)).execute();
}

/** The assistance log of a person, in the order it was given. */
export async function assistanceRows(unit: StoreUnit, personId: string): Promise<AssistanceTable[]> {
  return unit.db.selectFrom('assistance').selectAll().where('person_id', '=', personId).orderBy('given_at').execute();
}
