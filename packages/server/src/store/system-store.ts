import type { AuditContext } from '../platform/audit/chain.js';
import { withAudit } from '../platform/audit/recorder.js';
import type { Platform } from '../platform/context.js';
import { settled, StoreUnit } from './unit.js';

/**
 * Who works on personal records without a signed-in caller. Each use of the system store names
 * itself here, so a reviewer can read the whole list: anything else goes through a request's
 * scoped store.
 */
export const SYSTEM_USERS = {
  /** The batched retention run and the purge of one person (`haven retention`, the scheduler). */
  retention: 'the retention run',
  /** Due-soon and overdue reminders, from the server's timer. */
  reminders: 'the reminder worker',
  /** Background export jobs claimed by any process. */
  exports: 'the export worker',
  /** `haven` subcommands run by an operator on the server's machine. */
  cli: 'the haven command',
  /** The fictional demo jurisdiction seeded by `npm start`. */
  demo: 'the demo seed',
  /** Benchmarks and the synthetic data they register. */
  bench: 'the benchmarks',
  /** Statistics counted again at start or by `haven stats recount`. */
  stats: 'the statistics recount',
  /** Encrypting what an older database holds in plaintext, at start. */
  startup: 'start-up upgrades',
} as const;

export type SystemUser = keyof typeof SYSTEM_USERS;

/** The named system store: units of work with no caller's scope, audited with who they are. */
export class SystemStore {
  constructor(
    readonly platform: Platform,
    readonly user: SystemUser,
    private readonly audit: AuditContext = { actorUserId: null, actorAgencyId: null, requestId: `system:${user}`, clientAddress: null },
  ) {}

  unit<T>(work: (unit: StoreUnit) => Promise<T>): Promise<T> {
    return withAudit(this.platform, this.audit, (trx, record, afterCommit) => settled(new StoreUnit(this.platform, trx, record, afterCommit), work));
  }
}

/** The system store for one named user. */
export function systemStore(platform: Platform, user: SystemUser, audit?: AuditContext): SystemStore {
  return new SystemStore(platform, user, audit);
}
