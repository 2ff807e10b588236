import type { AuditEvent } from '../platform/audit/chain.js';
import type { AfterCommit, RecordAudit } from '../platform/audit/recorder.js';
import type { Platform } from '../platform/context.js';
import type { Tx } from '../platform/db/database.js';
import { updateVersioned, type VersionedTable, type VersionedUpdate } from '../platform/db/versioned-update.js';
import { refreshObligations, type RefreshResult } from '../features/obligations/refresh.js';
import { restatePersonStats } from '../features/stats/rollup.js';

/**
 * One unit of work of a store (a request's or the system's): its transaction, its audit trail, and
 * what must follow the facts before it commits. Feature stores receive it; services never hold a
 * bare transaction.
 */
export class StoreUnit {
  /** Persons whose case facts changed: obligations are refreshed (and indicators restated) before commit. */
  private readonly factsChangedOf = new Set<string>();
  /** Persons whose counted facts changed without touching obligations: indicators restated before commit. */
  private readonly statsChangedOf = new Set<string>();

  constructor(
    readonly platform: Platform,
    /** The unit's transaction: for feature stores (lint keeps services off it). */
    readonly db: Tx,
    private readonly recordEvent: RecordAudit,
    readonly afterCommit: AfterCommit,
  ) {}

  /** Appends an audit event to the unit's transaction. */
  record(event: AuditEvent): void {
    this.recordEvent(event);
  }

  /** The case facts of these persons changed: their obligations and indicators follow before commit. */
  factsChanged(personIds: readonly string[]): void {
    for (const id of personIds) this.factsChangedOf.add(id);
  }

  /** What is counted of these persons changed (not their obligations): indicators follow before commit. */
  statsChanged(personIds: readonly string[]): void {
    for (const id of personIds) this.statsChangedOf.add(id);
  }

  /**
   * Refreshes these persons' obligations now, for work that must act on the engine's current verdict
   * (a guard); they are no longer pending.
   */
  async refreshNow(personIds: readonly string[]): Promise<Map<string, RefreshResult>> {
    for (const id of personIds) {
      this.factsChangedOf.delete(id);
      this.statsChangedOf.delete(id);
    }
    return refreshObligations(this.platform, this.db, personIds);
  }

  /** Update where id and version match, bump the version, else 409 stale-version with the current one. */
  updateVersioned<T extends VersionedTable>(change: VersionedUpdate<T>): Promise<number> {
    return updateVersioned(this.db, change);
  }

  /** Runs what was scheduled; called once, after the work succeeded and before the commit. */
  async settle(): Promise<void> {
    const facts = [...this.factsChangedOf];
    const stats = [...this.statsChangedOf].filter((id) => !this.factsChangedOf.has(id));
    this.factsChangedOf.clear();
    this.statsChangedOf.clear();
    // A refresh restates the indicators of the persons it refreshes.
    if (facts.length > 0) await refreshObligations(this.platform, this.db, facts);
    if (stats.length > 0) await restatePersonStats(this.db, stats);
  }
}

/** Runs `work` on a unit and settles what it scheduled: a failure leaves nothing scheduled behind. */
export async function settled<U extends StoreUnit, T>(unit: U, work: (unit: U) => Promise<T>): Promise<T> {
  const value = await work(unit);
  await unit.settle();
  return value;
}
