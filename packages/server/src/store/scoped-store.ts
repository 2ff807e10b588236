import type { FieldGroup } from '@haven/core';
import { actorOf } from '../platform/access/actor.js';
import { holdsHandoverAccess, personFieldGroups, worksOnCase } from '../platform/access/scope.js';
import type { AuditAction } from '../platform/audit/actions.js';
import type { AuditEvent } from '../platform/audit/chain.js';
import type { AfterCommit, CoalescedWork, RecordAudit } from '../platform/audit/recorder.js';
import { withAudit, withAuditCoalesced } from '../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../platform/context.js';
import type { Tx } from '../platform/db/database.js';
import { forbidden, notFound } from '../platform/http/problem.js';
import type { Feature } from '../platform/http/app.js';
import { settled, StoreUnit } from './unit.js';

/** A personal read: which record, of which person, and what the audit event calls it. */
export interface PersonalRead {
  /** The person whose record it is: scope is the person's. */
  personId: string;
  /** What a 404 and the audit event call the record (`person`, `case`, `screening`…). */
  recordType: string;
  recordId: string;
  /** Defaults to `${recordType}.read`. */
  action?: AuditAction;
}

/** A unit of work of a signed-in caller: the caller's scope on every personal record it reaches. */
export class ScopedUnit extends StoreUnit {
  constructor(
    platform: Platform,
    db: Tx,
    record: RecordAudit,
    afterCommit: AfterCommit,
    readonly actor: Actor,
  ) {
    super(platform, db, record, afterCommit);
  }

  /** The field groups of the person the caller sees, or undefined when the person is outside their scope. */
  groupsOf(personId: string): Promise<Set<FieldGroup> | undefined> {
    return personFieldGroups(this.db, this.actor, personId, this.platform.clock().toISOString());
  }

  /**
   * The field groups of the person the caller sees, or 404 naming `record` (what the request reached
   * the person through), in the very words an id that does not exist gets.
   */
  async visibleGroups(personId: string, record = 'person'): Promise<Set<FieldGroup>> {
    const groups = await this.groupsOf(personId);
    if (!groups) throw notFound(record);
    return groups;
  }

  /** Whether the caller's agency works on the person's case. */
  worksOnCase(personId: string): Promise<boolean> {
    return worksOnCase(this.db, this.actor, personId);
  }

  /**
   * For a change to a case: the person must be visible (else 404 naming `record`) and the caller's
   * agency must work on the case (else 403: an agency a referral shared fields with reads, it does
   * not write). Answers the groups the caller sees.
   */
  async caseGroups(personId: string, record = 'person'): Promise<Set<FieldGroup>> {
    const groups = await this.visibleGroups(personId, record);
    if (!(await this.worksOnCase(personId))) throw forbidden('Only an agency working on the case may change it.');
    return groups;
  }

  /**
   * For logging assistance given to a person: like `caseGroups`, but the first-contact agency that
   * handed the case over may also log it while its operational access lasts (water and blankets on
   * the quay are given before anyone takes the case up).
   */
  async assistanceGroups(personId: string, record = 'person'): Promise<Set<FieldGroup>> {
    const groups = await this.visibleGroups(personId, record);
    if (await this.worksOnCase(personId)) return groups;
    if (await holdsHandoverAccess(this.db, this.actor, personId, this.platform.clock().toISOString())) return groups;
    throw forbidden('Only an agency working on the case may change it.');
  }

  /**
   * Reads one personal record: scope first (404 when outside it or missing), then `load` with the
   * groups the caller sees, then the audit event naming the fields actually returned.
   */
  async read<T>(read: PersonalRead, load: (groups: Set<FieldGroup>) => Promise<T | undefined>, fieldsOf: (value: T) => readonly string[]): Promise<T> {
    const groups = await this.visibleGroups(read.personId, read.recordType);
    const value = await load(groups);
    if (value === undefined) throw notFound(read.recordType);
    this.readDone(read, fieldsOf(value));
    return value;
  }

  /** Records the read of a record already loaded in scope (lists: one event per record returned). */
  readDone(read: Omit<PersonalRead, 'personId'>, fields: readonly string[]): void {
    this.record({ action: read.action ?? (`${read.recordType}.read` as AuditAction), recordType: read.recordType, recordId: read.recordId, fields });
  }
}

/**
 * The one way a request reaches personal records: built once per request from the authenticated
 * caller and the request's audit context. Each unit of work runs in the request's transaction
 * (group commit), with the caller's scope, its audit events, and the obligations and indicators
 * that follow a change of facts settled before the commit.
 */
export class ScopedStore {
  constructor(
    readonly platform: Platform,
    private readonly ctx: RequestContext,
  ) {}

  /** The caller; 401 on a route that reached here without one. */
  get actor(): Actor {
    return actorOf(this.ctx);
  }

  get context(): RequestContext {
    return this.ctx;
  }

  /** Runs a unit of work in a transaction with its audit events; nothing of it is stored if it fails. */
  unit<T>(work: (unit: ScopedUnit) => Promise<T>): Promise<T> {
    const actor = this.actor;
    return withAudit(this.platform, this.ctx.audit, (trx, record, afterCommit) => settled(new ScopedUnit(this.platform, trx, record, afterCommit, actor), work));
  }

  /** Like `unit`, for work requests committing together do in one call (registrations). */
  coalesced<I, T>(kind: CoalescedWork<I, T>, input: I): Promise<T> {
    return withAuditCoalesced(this.platform, this.ctx.audit, kind, input);
  }

  /**
   * A unit of work audited under the request but with no caller's scope: sign-in, where there is
   * no one signed in yet. `as` is the account the work is about once the request names it (whose
   * password was tried): its events are that account's, from the request's address.
   */
  unscoped<T>(work: (unit: StoreUnit) => Promise<T>, as?: { userId: string; agencyId: string }): Promise<T> {
    const audit = as ? { ...this.ctx.audit, actorUserId: as.userId, actorAgencyId: as.agencyId } : this.ctx.audit;
    return withAudit(this.platform, audit, (trx, record, afterCommit) => settled(new StoreUnit(this.platform, trx, record, afterCommit), work));
  }

  /**
   * Records one event in a transaction of its own, apart from the work it is about, which failed
   * and rolled back (a refusal worth the oversight body's eye). It stores no idempotent answer.
   */
  async recordApart(event: AuditEvent): Promise<void> {
    const { idempotency: _unused, ...audit } = this.ctx.audit;
    await withAudit(this.platform, audit, async (_trx, record) => {
      record(event);
    });
  }

  /**
   * A unit of work that keeps nothing of who asked: no user, agency or client address in its audit
   * events and no stored answer tying it to an account, even when someone is signed in. The
   * anonymous public forms (an allegation, its follow-up by receipt).
   */
  anonymous<T>(work: (unit: StoreUnit) => Promise<T>): Promise<T> {
    const audit = { actorUserId: null, actorAgencyId: null, requestId: this.ctx.requestId, clientAddress: null };
    return withAudit(this.platform, audit, (trx, record, afterCommit) => settled(new StoreUnit(this.platform, trx, record, afterCommit), work));
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The one way the request reaches personal records: its caller's scope, audit and transaction. */
    store: ScopedStore;
  }
}

/** Gives every request its scoped store; registered before any feature's routes. */
export const scopedStores: Feature = (app, platform) => {
  app.decorateRequest('store', null as unknown as ScopedStore);
  app.addHook('onRequest', async (request) => {
    request.store = new ScopedStore(platform, request.ctx);
  });
};
