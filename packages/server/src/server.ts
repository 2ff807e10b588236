import type { Writable } from 'node:stream';
import { checkHandoverAgencies } from './features/handover/service.js';
import { features } from './features/index.js';
import type { HavenConfig } from './platform/config.js';
import type { Platform } from './platform/context.js';
import { openPlatform, type PlatformOptions } from './platform/bootstrap.js';
import { buildApp, type HavenApp } from './platform/http/app.js';

export interface RunningServer {
  app: HavenApp;
  platform: Platform;
  url: string;
  close(): Promise<void>;
}

/** Builds the HTTP app on an open platform (tests use this with their own database). */
export async function buildHavenApp(platform: Platform, logStream?: Writable): Promise<HavenApp> {
  // The profile's handover rules name agencies: a server whose rules name one it does not hold is
  // refused at start, naming the entry (the demo seeds its agencies before this).
  await checkHandoverAgencies(platform.database.db, platform.profile);
  return buildApp(platform, { features, ...(logStream ? { logStream } : {}) });
}

/** Background work started beside the app; stopping it waits for a pass under way. */
export type StopWork = () => Promise<void>;

/** Whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How often a stopping server closes the keep-alive connections that have answered their last request. */
const IDLE_SWEEP_MS = 50;

/**
 * Stops a server in order: it accepts no new connection (requests arriving on open ones get 503),
 * lets the requests in flight and the background passes under way finish within `graceMs`, then
 * cuts the connections still open, and closes the database (its threads and connections). Answers
 * whether requests were cut off. Nothing half-written remains of a cut request: its transaction
 * never commits.
 */
export async function shutDown(app: HavenApp, platform: Platform, background: StopWork[], graceMs: number): Promise<{ cut: boolean }> {
  const deadline = performance.now() + graceMs;
  const left = () => Math.max(0, deadline - performance.now());
  const workStopped = Promise.allSettled(background.map((stop) => stop()));
  const closed = app.close();
  // A connection kept alive after its answer would otherwise hold the close until its idle timeout.
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  const drained = await settlesWithin(closed, left());
  clearInterval(sweep);
  if (!drained) {
    app.server.closeAllConnections();
    await settlesWithin(closed, 1_000);
  }
  await settlesWithin(workStopped, left());
  // A connection still held by a cut request would keep the pool from ending: the process is
  // stopping anyway, so the wait is bounded.
  await settlesWithin(platform.database.close(), Math.max(left(), 1_000));
  return { cut: !drained };
}

export async function startServer(config: HavenConfig, options: PlatformOptions & { logStream?: Writable } = {}): Promise<RunningServer> {
  const platform = await openPlatform(config, options);
  const app = await buildHavenApp(platform, options.logStream);
  const address = await app.listen({ host: config.host, port: config.port });
  return {
    app,
    platform,
    url: address,
    async close() {
      await app.close();
      await platform.database.close();
    },
  };
}
