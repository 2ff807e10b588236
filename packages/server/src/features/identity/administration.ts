import type { RecordAudit } from '../../platform/audit/recorder.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { handoverRuleNaming } from '../handover/service.js';
import { createAgency, createUser, updateAgency, updateUser, type NewAgency, type NewUser, type UserChangeOutcome, type UserChanges } from './accounts.js';
import { agencyView, allAgencies, allUsers, userView, withPendingChanges, type AgencyView, type UserView } from './store.js';

// What administrators do to agencies and accounts through the API, each change a unit of work of
// the administrator's request; the rules every path obeys are accounts.ts's.

const recorder = (unit: StoreUnit): RecordAudit => (event) => unit.record(event);

export async function listAgencies(store: ScopedStore): Promise<AgencyView[]> {
  return (await allAgencies(store.platform.database.db)).map(agencyView);
}

export async function addAgency(store: ScopedStore, input: NewAgency): Promise<AgencyView> {
  const now = store.platform.clock();
  return store.unit((unit) => createAgency(unit.db, recorder(unit), input, now));
}

export async function changeAgency(store: ScopedStore, id: string, version: number, changes: Partial<NewAgency>): Promise<AgencyView> {
  const now = store.platform.clock();
  return store.unit((unit) => updateAgency(unit.db, recorder(unit), id, version, changes, now, (name) => handoverRuleNaming(store.platform.profile, name)));
}

/** Every account, with the change of access each awaits. */
export async function listUsers(store: ScopedStore): Promise<UserView[]> {
  const { db } = store.platform.database;
  return withPendingChanges(db, (await allUsers(db)).map(userView));
}

/** An administrator creates an account with a temporary password (held for a second administrator where the role needs one). */
export async function addUser(store: ScopedStore, input: Omit<NewUser, 'mustChangePassword' | 'requestedBy'>): Promise<UserView> {
  const now = store.platform.clock();
  return store.unit((unit) => createUser(unit.db, recorder(unit), { ...input, mustChangePassword: true, requestedBy: unit.actor.userId }, now));
}

export async function changeUser(store: ScopedStore, id: string, version: number, changes: UserChanges): Promise<UserChangeOutcome> {
  const now = store.platform.clock();
  return store.unit((unit) => updateUser(unit.db, recorder(unit), id, version, changes, now, unit.actor.userId));
}
