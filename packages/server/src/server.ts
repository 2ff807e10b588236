import type { Writable } from 'node:stream';
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
export function buildHavenApp(platform: Platform, logStream?: Writable): Promise<HavenApp> {
  return buildApp(platform, { features, ...(logStream ? { logStream } : {}) });
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
