import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Vitest global setup of the browser tests: one production build of the web app per run. */
export default async function buildWeb(): Promise<void> {
  if (process.env.HAVEN_WEB_PREBUILT === '1') return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  await build({ root, configFile: `${root}vite.config.ts`, logLevel: 'warn' });
}
