import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgency, createUser } from '../features/identity/accounts.js';
import { registerPersons } from '../features/persons/registration.js';
import { runRetention } from '../features/retention/service.js';
import { ROLE_POLICIES } from '../platform/access/roles.js';
import { closeEveryCase } from '../features/cases/service.js';
import { openPlatform } from '../platform/bootstrap.js';
import { loadConfig } from '../platform/config.js';
import type { Actor } from '../platform/context.js';
import { systemStore } from '../store/system-store.js';
import type { BenchFigure, Benchmark } from './types.js';

const PERSONS = 2000;

/** `haven retention run` over 2,000 closed synthetic cases on SQLite: purge, VACUUM and WAL truncation included. */
export const retentionBenchmark: Benchmark = {
  name: 'retention',
  async run(): Promise<BenchFigure[]> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-retention-'));
    const config = { ...loadConfig({}), db: path.join(dir, 'haven.db'), keyFile: path.join(dir, 'haven.key'), logLevel: 'silent' };
    try {
      const setup = await openPlatform(config);
      const bench = systemStore(setup, 'bench');
      const agency = await bench.unit((unit) => createAgency(unit.db, (event) => unit.record(event), { name: 'Bench', type: 'government' }, setup.clock()));
      const user = await bench.unit((unit) =>
        createUser(unit.db, (event) => unit.record(event), { agencyId: agency.id, username: 'bench', displayName: 'bench', role: 'protection_officer', password: 'correct-horse-battery-9', mustChangePassword: false }, setup.clock()),
      );
      const policy = ROLE_POLICIES.protection_officer;
      const actor: Actor = { userId: user.id, username: 'bench', agencyId: agency.id, role: 'protection_officer', via: 'session', sessionId: undefined, permissions: new Set(policy.permissions), fieldGroups: new Set(policy.fieldGroups), pending: 'none' };
      const inputs = Array.from({ length: PERSONS }, (_, i) => ({ givenName: `Given${i}`, familyName: `Family${i}`, sex: i % 2 ? 'male' : 'female', ageClaimed: 20 + (i % 40), phone: `+000 555 ${i}` }) as const);
      await bench.unit((unit) => registerPersons(unit, actor, inputs, null));
      await bench.unit((unit) => closeEveryCase(unit));
      await setup.database.close();

      const later = new Date(Date.now() + 6 * 366 * 24 * 3600 * 1000);
      const platform = await openPlatform(config, { clock: () => later });
      const start = performance.now();
      const report = await runRetention(platform, { batch: 200 });
      const seconds = (performance.now() - start) / 1000;
      await platform.database.close();
      return [
        {
          figure: `retention run, ${PERSONS} closed cases past retention (SQLite, batches of 200, VACUUM + WAL truncate included)`,
          target: 'a nightly run finishes in minutes',
          measured: `${report.types.case.purged} purged in ${seconds.toFixed(1)} s (${Math.round(report.types.case.purged / seconds)} persons/s)`,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
