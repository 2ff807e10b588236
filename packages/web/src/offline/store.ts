import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/**
 * The device's store (IndexedDB through idb). Everything personal is kept encrypted (see
 * vault.ts); what is in clear is what the app needs before unlocking and holds nothing about a
 * person: user names, salts, wrapped keys, outbox order and state, id mappings.
 */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

export interface VaultRow {
  username: string;
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  /** The data key, wrapped under the key derived from the password. */
  wrappedKey: ArrayBuffer;
  wrapIv: Uint8Array<ArrayBuffer>;
  /** Who signed in (GET /api/auth/me), sealed: the app opens offline as them. */
  me: Sealed;
  /** Until when the data may be unlocked with no network (ms since the epoch). */
  unlockUntil: number;
}

export type OutboxState = 'pending' | 'conflict' | 'failed';

export interface OutboxRow {
  /** Order of writing. */
  seq?: number;
  /** What the sealed payload is bound to. */
  id: string;
  owner: string;
  state: OutboxState;
  /** Items sent together in one request; kept so a retry sends exactly the same request. */
  batchKey?: string;
  /** The request and what it is about, sealed. */
  payload: Sealed;
}

export interface RecordRow {
  /** `encounter:<id>` or `person:<id>` (local ids until synced). */
  key: string;
  owner: string;
  kind: 'encounter' | 'person';
  /** The encounter a person was registered at. */
  parent?: string;
  payload: Sealed;
}

interface HavenOffline extends DBSchema {
  vaults: { key: string; value: VaultRow };
  outbox: { key: number; value: OutboxRow; indexes: { owner: string } };
  records: { key: string; value: RecordRow; indexes: { parent: string } };
  /** Local id (made on the device) → the id the server gave when it synced. */
  ids: { key: string; value: { localId: string; serverId: string } };
}

let database: Promise<IDBPDatabase<HavenOffline>> | undefined;

export function offlineDb(): Promise<IDBPDatabase<HavenOffline>> {
  database ??= openDB<HavenOffline>('haven-offline', 1, {
    upgrade(db) {
      db.createObjectStore('vaults', { keyPath: 'username' });
      db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('owner', 'owner');
      db.createObjectStore('records', { keyPath: 'key' }).createIndex('parent', 'parent');
      db.createObjectStore('ids', { keyPath: 'localId' });
    },
  });
  return database;
}
