import type { EncounterInput, LikelyDuplicate, LikelyDuplicates, LikelyMatchElsewhere, RegistrationPersonInput } from '@haven/core/schemas';
import { api, ApiProblem, NetworkUnavailable, type ApiProblemCode } from '../app/api';
import { reportPendingChanges } from './connectivity';
import { offlineDb, type OutboxRow, type RecordRow } from './store';
import { seal, unlockedUser, unseal } from './vault';

/**
 * The outbox: every change a first responder makes goes here first (encrypted), then to the
 * server when there is a network. Each item carries an Idempotency-Key made when it was written,
 * so a retry — after a lost answer, a reload, a server restart — gets the first answer back and
 * never creates a second record. Items go in order; a person waits for their encounter's id.
 * A stale version (409) is kept for the user to resolve, never overwritten.
 */

export type OutboxAction =
  | { kind: 'create-encounter'; localId: string; body: EncounterInput }
  | { kind: 'register-person'; encounterId: string; localId: string; person: RegistrationPersonInput }
  | { kind: 'assist-everyone'; encounterId: string; body: { type: string; givenAt: string; place?: string; language?: string } }
  | { kind: 'correct-encounter'; encounterId: string; body: Partial<EncounterInput> & { version: number } }
  | FieldRecordAction;

/**
 * A detention, its end and consular rights explained: first-responder work on a boat or at a
 * border post, recorded on the person (a local id waits for the person's registration to sync).
 */
export type FieldRecordAction =
  | { kind: 'record-detention'; personId: string; body: { place: string; since: string; legalBasis: string } }
  | { kind: 'end-detention'; personId: string; detentionId: string; body: { version: number; until: string } }
  | { kind: 'consular-rights'; personId: string; body: { informedAt: string; language: string; choice: 'requested' | 'declined' } };

/** The request that makes a field record, for a person the server knows (the same whether queued or sent at once). */
export function fieldRecordRequest(action: FieldRecordAction, personId: string): { method: 'POST' | 'PATCH'; path: string; body: unknown } {
  switch (action.kind) {
    case 'record-detention':
      return { method: 'POST', path: `/api/persons/${personId}/detentions`, body: action.body };
    case 'end-detention':
      return { method: 'PATCH', path: `/api/persons/${personId}/detentions/${action.detentionId}`, body: action.body };
    case 'consular-rights':
      return { method: 'POST', path: `/api/persons/${personId}/consular-rights`, body: action.body };
  }
}

function isFieldRecord(action: OutboxAction): action is FieldRecordAction {
  return action.kind === 'record-detention' || action.kind === 'end-detention' || action.kind === 'consular-rights';
}

export interface OutboxProblem {
  status: number;
  code: ApiProblemCode;
  detail: string;
  fields: { field: string; message: string }[];
  currentVersion?: number;
}

export interface OutboxItem {
  seq: number;
  state: OutboxRow['state'];
  action: OutboxAction;
  idempotencyKey: string;
  createdAt: string;
  problem?: OutboxProblem;
}

interface Payload {
  action: OutboxAction;
  idempotencyKey: string;
  createdAt: string;
  problem?: OutboxProblem;
}

/**
 * The likely duplicates kept on the device per person, best first: enough to check the person
 * against, while a boat of common names (dozens listed per person) stays small in the store.
 */
export const KEPT_DUPLICATES = 5;

/** What the device keeps of the duplicates a registration answer (or a search) listed. */
function keptDuplicates(listed: LikelyDuplicate[]): Pick<RegisteredRecord, 'likelyDuplicates' | 'likelyDuplicatesCount'> {
  return { likelyDuplicates: listed.slice(0, KEPT_DUPLICATES), likelyDuplicatesCount: listed.length };
}

/** Persons registered one by one go to the server together, up to this many per request. */
const BATCH_LIMIT = 200;
const LOCAL_PREFIX = 'local-';

let lastStamp = '';
let sameStampCount = 0;

/**
 * Time-ordered (milliseconds, then a counter within the millisecond, then random), so the
 * device's records sort in the order they were made: a screen can show the latest of thousands
 * without reading them all. Nothing personal is in it.
 */
export function newLocalId(): string {
  const stamp = Date.now().toString(36).padStart(9, '0');
  sameStampCount = stamp === lastStamp ? sameStampCount + 1 : 0;
  lastStamp = stamp;
  return `${LOCAL_PREFIX}${stamp}${sameStampCount.toString(36).padStart(4, '0')}-${crypto.randomUUID()}`;
}

export function isLocalId(id: string): boolean {
  return id.startsWith(LOCAL_PREFIX);
}

const where = (id: string) => `outbox:${id}`;

/** Queues a change; `record` is what the screens show of it until (and after) it syncs. */
export async function enqueue(
  action: OutboxAction,
  record?: { key: string; kind: RecordRow['kind']; parent?: string; value: unknown },
  /** The key of a first attempt whose answer never came: the server replays it if it did arrive. */
  idempotencyKey: string = crypto.randomUUID(),
): Promise<void> {
  const owner = unlockedUser();
  if (!owner) throw new Error('the offline store is locked');
  const db = await offlineDb();
  const id = crypto.randomUUID();
  const payload: Payload = { action, idempotencyKey, createdAt: new Date().toISOString() };
  // Sealed before the transaction: an IndexedDB transaction ends at the first await on anything else.
  const sealedPayload = await seal(payload, where(id));
  const sealedRecord = record ? await seal(record.value, `record:${record.key}`) : undefined;
  const transaction = db.transaction(['outbox', 'records'], 'readwrite');
  const writes: Promise<unknown>[] = [transaction.objectStore('outbox').add({ id, owner, state: 'pending', payload: sealedPayload })];
  if (record && sealedRecord) writes.push(transaction.objectStore('records').put({ key: record.key, owner, kind: record.kind, ...(record.parent ? { parent: record.parent } : {}), payload: sealedRecord }));
  await Promise.all([...writes, transaction.done]);
  // Counted and sent after the caller has moved on: the next person's form must not wait for it.
  void refreshPendingCount(owner).then(() => syncNow());
}

/**
 * A person registered at an encounter (the registration form's submit): queued with what the
 * screens show of them. Returns their local id.
 */
export async function queuePersonRegistration(encounterId: string, person: RegistrationPersonInput): Promise<string> {
  const localId = newLocalId();
  await enqueue({ kind: 'register-person', encounterId, localId, person }, { key: `person:${localId}`, kind: 'person', parent: `encounter:${encounterId}`, value: { ...person, localId, synced: false } });
  return localId;
}

export async function refreshPendingCount(owner: string | undefined = unlockedUser()): Promise<number> {
  if (!owner) return 0;
  const db = await offlineDb();
  const count = await db.countFromIndex('outbox', 'owner', owner);
  reportPendingChanges(count);
  return count;
}

export async function outboxItems(): Promise<OutboxItem[]> {
  const owner = unlockedUser();
  if (!owner) return [];
  const db = await offlineDb();
  const rows = await db.getAllFromIndex('outbox', 'owner', owner);
  return Promise.all(rows.map(async (row) => ({ seq: row.seq!, state: row.state, ...(await unseal<Payload>(row.payload, where(row.id))) })));
}

export async function readRecord<T>(key: string): Promise<T | undefined> {
  const db = await offlineDb();
  const row = await db.get('records', key);
  return row && row.owner === unlockedUser() ? unseal<T>(row.payload, `record:${key}`) : undefined;
}

export async function recordsOf<T>(filter: { kind: RecordRow['kind']; parent?: string }): Promise<{ key: string; value: T }[]> {
  const owner = unlockedUser();
  if (!owner) return [];
  const db = await offlineDb();
  const rows = filter.parent ? await db.getAllFromIndex('records', 'parent', filter.parent) : await db.getAll('records');
  const mine = rows.filter((row) => row.owner === owner && row.kind === filter.kind);
  return Promise.all(mine.map(async (row) => ({ key: row.key, value: await unseal<T>(row.payload, `record:${row.key}`) })));
}

/**
 * Local ids that have just synced, with the server's id for each; `duplicates` when the server
 * found likely duplicates of a person just registered (the list itself is in their sealed record).
 */
export type SyncedIds = { localId: string; serverId: string; duplicates?: true }[];

/** What the device keeps of a registered person: what was sent, and what the server answered. */
export interface RegisteredRecord extends RegistrationPersonInput {
  localId: string;
  serverId?: string;
  synced: boolean;
  /** The server's likeliest duplicates of this person (best first, at most KEPT_DUPLICATES). */
  likelyDuplicates?: LikelyDuplicate[];
  /** How many the server listed in all (a boat of common names can list dozens per person). */
  likelyDuplicatesCount?: number;
  /** Agencies outside the officer's scope holding a likely match (their name and a reference to ask them, nothing of the record). */
  likelyMatchesElsewhere?: LikelyMatchElsewhere[];
  /** The officer has read the duplicates notice and put it away. */
  duplicatesSeen?: boolean;
}

const syncedListeners = new Set<(ids: SyncedIds) => void>();
// Other tabs of the app may be the one syncing (one at a time, Web Locks): they say so here. Ids
// only, nothing personal.
const syncedChannel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('haven-outbox-synced') : undefined;
syncedChannel?.addEventListener('message', (event: MessageEvent<SyncedIds>) => {
  for (const listener of syncedListeners) listener(event.data);
});

/**
 * Tells `listener` which records synced, as soon as their sync is stored: a screen updates the
 * few that changed instead of reading (and decrypting) all of them again.
 */
export function onSynced(listener: (ids: SyncedIds) => void): () => void {
  syncedListeners.add(listener);
  return () => syncedListeners.delete(listener);
}

function announceSynced(ids: SyncedIds): void {
  if (ids.length === 0) return;
  for (const listener of syncedListeners) listener(ids);
  syncedChannel?.postMessage(ids);
}

/** The server's id for a local one, once the record that made it has synced. */
export async function serverIdOf(id: string): Promise<string | undefined> {
  if (!isLocalId(id)) return id;
  return (await (await offlineDb()).get('ids', id))?.serverId;
}

/** The user resolves a conflict or a refusal: send again (with the version they accepted) or drop it. */
export async function resolveItem(seq: number, decision: { retryWithVersion: number } | { discard: true } | { retry: true }): Promise<void> {
  const db = await offlineDb();
  const row = await db.get('outbox', seq);
  if (!row) return;
  if ('discard' in decision) {
    await db.delete('outbox', seq);
  } else {
    const payload = await unseal<Payload>(row.payload, where(row.id));
    delete payload.problem;
    if ('retryWithVersion' in decision && (payload.action.kind === 'correct-encounter' || payload.action.kind === 'end-detention')) payload.action.body.version = decision.retryWithVersion;
    // A refused request created nothing and freed its key: the item joins a new batch (its old
    // batch key, sent again with a different set of persons, would be refused as reused).
    const { batchKey: _refused, ...unbatched } = row;
    await db.put('outbox', { ...unbatched, state: 'pending', payload: await seal(payload, where(row.id)) });
  }
  await refreshPendingCount();
  void syncNow();
}

let running: Promise<void> | undefined;

/** Sends what waits, in order. One run at a time in this tab, and across tabs (Web Locks). */
export function syncNow(): Promise<void> {
  // Reset in a callback: it runs after the assignment even when the run ends at once.
  running ??= runSync().finally(() => {
    running = undefined;
  });
  return running;
}

async function runSync(): Promise<void> {
  if (!unlockedUser() || !navigator.onLine) return;
  await navigator.locks.request('haven-outbox', () => drain());
}

type Outcome = 'sent' | 'skipped' | 'stop';

async function drain(): Promise<void> {
  const owner = unlockedUser();
  if (!owner) return;
  const db = await offlineDb();
  const done = new Set<number>();
  for (;;) {
    const rows = (await db.getAllFromIndex('outbox', 'owner', owner)).filter((row) => row.state === 'pending' && !done.has(row.seq!));
    if (rows.length === 0) break;
    const outcome = await sendFirst(rows, done);
    await refreshPendingCount(owner);
    if (outcome === 'stop') break;
  }
}

/** An outbox item with what it says, unsealed. */
interface Member {
  row: OutboxRow;
  payload: Payload;
}

/** Sends the first item that can go (with the registrations that go along with it). */
async function sendFirst(rows: OutboxRow[], done: Set<number>): Promise<Outcome> {
  const db = await offlineDb();
  for (const [index, row] of rows.entries()) {
    const payload = await unseal<Payload>(row.payload, where(row.id));
    const request = await requestFor(payload.action);
    if (!request) {
      done.add(row.seq!); // waits for the record it refers to
      continue;
    }
    let group: Member[] = [{ row, payload }];
    let idempotencyKey = payload.idempotencyKey;
    if (payload.action.kind === 'register-person') {
      group = await registrationBatch(rows.slice(index), payload);
      idempotencyKey = group[0]!.row.batchKey ?? idempotencyKey;
      request.body = { persons: group.map(({ payload: p }) => (p.action as Extract<OutboxAction, { kind: 'register-person' }>).person) };
    }
    try {
      // The end of a detention is a versioned change the server also replays by its key (a lost answer).
      const keyed = request.method === 'POST' || payload.action.kind === 'end-detention';
      const answer = await api<Record<string, unknown>>(request.method, request.path, request.body, keyed ? { idempotencyKey } : {});
      await settle(group, answer);
      return 'sent';
    } catch (error) {
      if (error instanceof NetworkUnavailable) return 'stop';
      if (!(error instanceof ApiProblem)) throw error;
      if (error.code === 'idempotency-key-in-use') {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return 'sent';
      }
      // Not signed in, or the server failing: try again later, in the same order.
      if (error.status === 401 || error.status === 403 || error.status >= 500 || error.status === 429) return 'stop';
      const problem: OutboxProblem = {
        status: error.status,
        code: error.code,
        detail: error.detail ?? error.title,
        fields: error.errors,
        ...(typeof error.body.currentVersion === 'number' ? { currentVersion: error.body.currentVersion } : {}),
      };
      const state = error.status === 409 && error.code === 'stale-version' ? 'conflict' : 'failed';
      for (const { row: refused, payload: p } of group) {
        await db.put('outbox', { ...refused, state, payload: await seal({ ...p, problem }, where(refused.id)) });
        done.add(refused.seq!);
      }
      return 'sent';
    }
  }
  return 'stop';
}

/**
 * Registrations at one encounter that follow each other go in one request. The group is written
 * down (its key on each item) before it is sent, so a retry sends the very same request.
 */
async function registrationBatch(rows: OutboxRow[], first: Payload): Promise<Member[]> {
  const head = rows[0]!;
  const db = await offlineDb();
  if (head.batchKey) {
    const members = rows.filter((row) => row.batchKey === head.batchKey);
    return Promise.all(members.map(async (row) => ({ row, payload: row === head ? first : await unseal<Payload>(row.payload, where(row.id)) })));
  }
  const encounterId = (first.action as Extract<OutboxAction, { kind: 'register-person' }>).encounterId;
  // The candidates are read together; the group is those that follow the head unbroken.
  const candidates: OutboxRow[] = [];
  for (const row of rows.slice(1)) {
    if (candidates.length + 1 >= BATCH_LIMIT || row.batchKey) break;
    candidates.push(row);
  }
  const payloads = await Promise.all(candidates.map((row) => unseal<Payload>(row.payload, where(row.id))));
  const group: Member[] = [{ row: head, payload: first }];
  for (const [i, payload] of payloads.entries()) {
    if (payload.action.kind !== 'register-person' || payload.action.encounterId !== encounterId) break;
    group.push({ row: candidates[i]!, payload });
  }
  const batchKey = crypto.randomUUID();
  const transaction = db.transaction('outbox', 'readwrite');
  for (const member of group) member.row = { ...member.row, batchKey };
  await Promise.all([...group.map((member) => transaction.store.put(member.row)), transaction.done]);
  return group;
}

async function requestFor(action: OutboxAction): Promise<{ method: 'POST' | 'PATCH'; path: string; body: unknown } | undefined> {
  if (action.kind === 'create-encounter') return { method: 'POST', path: '/api/encounters', body: action.body };
  if (isFieldRecord(action)) {
    const personId = await serverIdOf(action.personId);
    return personId ? fieldRecordRequest(action, personId) : undefined;
  }
  const encounterId = await serverIdOf(action.encounterId);
  if (!encounterId) return undefined;
  switch (action.kind) {
    case 'register-person':
      // The answer lists each person's likely duplicates. The query is not part of what the
      // Idempotency-Key guards, so a batch written down before this asked for them replays as one.
      return { method: 'POST', path: `/api/encounters/${encounterId}/persons?duplicates=true`, body: undefined };
    case 'assist-everyone':
      return { method: 'POST', path: `/api/encounters/${encounterId}/assistance`, body: action.body };
    case 'correct-encounter':
      return { method: 'PATCH', path: `/api/encounters/${encounterId}`, body: action.body };
  }
}

/**
 * Keeps what the server answered (its ids, the records as synced) and removes the items it
 * answered, in one transaction: a reload or a closed tab never leaves one without the other. The
 * records are sealed first, because a transaction ends at the first await on anything else.
 */
async function settle(group: Member[], answer: Record<string, unknown>): Promise<void> {
  const db = await offlineDb();
  const ids: SyncedIds = [];
  /** Persons whose answer is a replay (stored before duplicates were searched): asked for them after. */
  const unsearched: { localId: string; serverId: string }[] = [];
  const changes: { key: string; change: (value: Record<string, unknown>) => Record<string, unknown> }[] = [];
  for (const [index, { payload }] of group.entries()) {
    const action = payload.action;
    if (action.kind === 'create-encounter') {
      ids.push({ localId: action.localId, serverId: String(answer.id) });
      changes.push({ key: `encounter:${action.localId}`, change: (value) => ({ ...value, serverId: answer.id, version: answer.version, synced: true }) });
    } else if (action.kind === 'correct-encounter') {
      // The version the server now holds, so the next correction starts from it.
      changes.push({ key: `encounter:${action.encounterId}`, change: (value) => ({ ...value, ...action.body, version: answer.version }) });
    } else if (action.kind === 'register-person') {
      const person = (answer.persons as { id: string; likelyDuplicates?: LikelyDuplicate[]; likelyMatchesElsewhere?: LikelyMatchElsewhere[] }[])[index]!;
      const duplicates = person.likelyDuplicates;
      const elsewhere = person.likelyMatchesElsewhere;
      const flagged = Boolean(duplicates?.length || elsewhere?.length);
      ids.push({ localId: action.localId, serverId: person.id, ...(flagged ? { duplicates: true as const } : {}) });
      if (!duplicates) unsearched.push({ localId: action.localId, serverId: person.id });
      changes.push({
        key: `person:${action.localId}`,
        change: (value) => ({
          ...value,
          serverId: person.id,
          synced: true,
          ...(flagged ? keptDuplicates(duplicates ?? []) : {}),
          ...(elsewhere?.length ? { likelyMatchesElsewhere: elsewhere } : {}),
        }),
      });
    }
  }
  const reading = db.transaction('records');
  const current = await Promise.all(changes.map(({ key }) => reading.store.get(key)));
  const records = await Promise.all(
    current.map(async (row, i) => {
      if (!row) return undefined;
      const where = `record:${row.key}`;
      return { ...row, payload: await seal(changes[i]!.change(await unseal<Record<string, unknown>>(row.payload, where)), where) };
    }),
  );
  const transaction = db.transaction(['ids', 'records', 'outbox'], 'readwrite');
  await Promise.all([
    ...ids.map((id) => transaction.objectStore('ids').put(id)),
    ...records.flatMap((record) => (record ? [transaction.objectStore('records').put(record)] : [])),
    ...group.map(({ row }) => transaction.objectStore('outbox').delete(row.seq!)),
    transaction.done,
  ]);
  announceSynced(ids);
  if (unsearched.length > 0) void searchDuplicatesAfterReplay(unsearched);
}

/**
 * A replayed answer (the first was lost) is the one stored with the registration, before the
 * duplicates were searched: each person's are asked for one by one, after the sync has moved on.
 * Best effort: without a network or the right to compare identities, the notice is simply missing.
 */
async function searchDuplicatesAfterReplay(persons: { localId: string; serverId: string }[]): Promise<void> {
  for (const { localId, serverId } of persons) {
    let found: LikelyDuplicates;
    try {
      found = await api<LikelyDuplicates>('GET', `/api/persons/${serverId}/duplicates`);
    } catch {
      return;
    }
    const { items, elsewhere } = found;
    if (items.length === 0 && elsewhere.length === 0) continue;
    await changeRecord<RegisteredRecord>(`person:${localId}`, (value) => ({ ...value, ...keptDuplicates(items), ...(elsewhere.length > 0 ? { likelyMatchesElsewhere: elsewhere } : {}) }));
    announceSynced([{ localId, serverId, duplicates: true }]);
  }
}

/** Changes one record the device keeps (sealed again under the same binding). */
async function changeRecord<T>(key: string, change: (value: T) => T): Promise<void> {
  const db = await offlineDb();
  const row = await db.get('records', key);
  if (!row || row.owner !== unlockedUser()) return;
  const where = `record:${key}`;
  const payload = await seal(change(await unseal<T>(row.payload, where)), where);
  await db.put('records', { ...row, payload });
}

/** The officer has read these persons' duplicates notices: they are not shown again. */
export async function putAwayDuplicates(localIds: readonly string[]): Promise<void> {
  for (const localId of localIds) await changeRecord<RegisteredRecord>(`person:${localId}`, (value) => ({ ...value, duplicatesSeen: true }));
}

/** Syncs when the network returns and every little while, as long as something waits. */
export function startBackgroundSync(): () => void {
  const kick = () => void syncNow();
  window.addEventListener('online', kick);
  const timer = setInterval(kick, 5_000);
  return () => {
    window.removeEventListener('online', kick);
    clearInterval(timer);
  };
}
