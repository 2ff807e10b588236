import type { RegistrationPersonInput } from '@haven/core/schemas';
import { queuePersonRegistration, refreshPendingCount, serverIdOf } from './outbox';
import { unlockVault } from './vault';

/**
 * What the offline-sync benchmark (packages/server/src/bench/offline-sync.ts) runs in the page,
 * beside the built app: the outbox's own functions, compiled from these sources, on the same
 * origin and so the same encrypted IndexedDB. Never part of the app's build (nothing imports it).
 */

/** Opens this copy's vault with the password (the key lives in each copy's memory). */
export async function unlock(username: string, password: string): Promise<void> {
  const result = await unlockVault(username, password, true);
  if (!result.ok) throw new Error(`the vault did not open: ${result.reason}`);
}

/**
 * Queues persons exactly as the registration form's submit does (sealed, one IndexedDB
 * transaction each), one after the other; returns their local ids and how long each took in ms.
 */
export async function queueRegistrations(encounterLocalId: string, persons: RegistrationPersonInput[]): Promise<{ localIds: string[]; timings: number[] }> {
  const localIds: string[] = [];
  const timings: number[] = [];
  for (const person of persons) {
    const start = performance.now();
    localIds.push(await queuePersonRegistration(encounterLocalId, person));
    timings.push(performance.now() - start);
  }
  return { localIds, timings };
}

/** The server's id for each local one, once synced (null while not). */
export function serverIds(localIds: string[]): Promise<(string | null)[]> {
  return Promise.all(localIds.map(async (id) => (await serverIdOf(id)) ?? null));
}

/** How many outbox items wait on this device (any state). */
export function waiting(): Promise<number> {
  return refreshPendingCount();
}
