import { staleVersion } from '../../platform/http/problem.js';
import type { ScopedUnit } from '../../store/scoped-store.js';
import { findSetting, writeSetting } from './store.js';

/** A setting's stored value and version (0 and no value until an administrator sets it). */
export async function readSetting(unit: Pick<ScopedUnit, 'db'>, key: string): Promise<{ value: string | undefined; version: number }> {
  const row = await findSetting(unit.db, key);
  return { value: row?.value, version: row?.version ?? 0 };
}

/**
 * An administrator sets a setting in the unit's transaction, audited. With `version` (the one the
 * administrator read), a setting changed meanwhile is refused 409 with the version it has now.
 */
export async function saveSetting(unit: ScopedUnit, change: { key: string; value: string; version?: number; at: string }): Promise<void> {
  const { version: current } = await readSetting(unit, change.key);
  if (change.version !== undefined && current !== change.version) throw staleVersion('setting', current);
  const written = await writeSetting(unit.db, { key: change.key, value: change.value, updated_at: change.at, updated_by: unit.actor.userId }, current);
  if (!written) throw staleVersion('setting', current);
  unit.record({ action: 'settings.update', recordType: 'setting', recordId: change.key, fields: ['value'] });
}
