import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Vitest global setup of the browser tests: one production build of the web app per run. */
export default async function buildWeb(): Promise<void> {
  if (process.env.HAVEN_WEB_PREBUILT === '1') return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // The config builds for production (NODE_ENV=production, React's production build, as shipped);
  // the tests themselves keep Vitest's NODE_ENV.
  const nodeEnv = process.env.NODE_ENV;
  try {
    await build({ root, configFile: `${root}vite.config.ts`, logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
