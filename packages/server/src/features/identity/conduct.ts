import type { ConductView } from '@haven/core';
import { currentConductVersion } from '../../platform/access/conduct.js';
import type { AuditEvent } from '../../platform/audit/chain.js';
import { conflict, notFound } from '../../platform/http/problem.js';
import type { Queryable } from '../../platform/db/database.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { findConductAcceptance, findConductVersion, insertConductAcceptance, insertConductVersion } from './store.js';

export type { ConductView } from '@haven/core';

async function conductOf(q: Queryable, userId: string): Promise<ConductView | undefined> {
  const version = await currentConductVersion(q);
  if (version === undefined) return undefined;
  const row = await findConductVersion(q, version);
  const acceptance = await findConductAcceptance(q, userId, version);
  return { version, text: row.text, publishedAt: row.published_at, acceptedAt: acceptance?.accepted_at ?? null };
}

/** The code of conduct in force and whether the caller accepted it; undefined when none is published. */
export async function currentConduct(store: ScopedStore): Promise<ConductView | undefined> {
  return conductOf(store.platform.database.db, store.actor.userId);
}

/** Records that the caller accepted this version; it must be the one in force. */
export async function acceptConduct(store: ScopedStore, version: number): Promise<ConductView> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const userId = unit.actor.userId;
    const current = await currentConductVersion(unit.db);
    if (current === undefined) throw notFound('code of conduct');
    if (current !== version) throw conflict('conduct-version', `Version ${version} is not the code in force (version ${current}); read it again.`, { currentVersion: current });
    if (!(await findConductAcceptance(unit.db, userId, version))) {
      await insertConductAcceptance(unit.db, { user_id: userId, version, accepted_at: at });
      unit.record({ action: 'conduct.accepted', recordType: 'conduct', recordId: String(version) });
    }
    return (await conductOf(unit.db, userId))!;
  });
}

/**
 * Publishes a new version in the caller's unit of work (an administrator's, or the demo seed's);
 * every user must accept it before their next access to personal data.
 */
export async function publishConduct(q: Queryable, record: (e: AuditEvent) => void, text: string, publishedBy: string | null, now: Date): Promise<number> {
  const version = ((await currentConductVersion(q)) ?? 0) + 1;
  await insertConductVersion(q, { version, text, published_at: now.toISOString(), published_by: publishedBy });
  record({ action: 'conduct.published', recordType: 'conduct', recordId: String(version), fields: ['text'] });
  return version;
}

/** An administrator publishes a new version of the code of conduct. */
export async function publishConductAsAdministrator(store: ScopedStore, text: string): Promise<number> {
  const now = store.platform.clock();
  return store.unit((unit) => publishConduct(unit.db, (event) => unit.record(event), text, unit.actor.userId, now));
}
