import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of every package, never a stale dist/.
export default defineConfig({
  resolve: {
    // `@haven/core` → core/src (its index.ts), `@haven/core/problems` → core/src/problems.ts, and so on.
    alias: { '@haven/core': fileURLToPath(new URL('./packages/core/src', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], exclude: ['**/node_modules/**', '**/*.browser.test.ts'] },
      },
      {
        // The web app in Debian's Chromium against a real server: the web is built once per run
        // (only when a browser test is selected), then the files run one at a time, after the
        // unit tests, so two cores are not shared between Chromium and the rest.
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/web/src/**/*.browser.test.ts'],
          globalSetup: ['packages/web/src/test-support/build-web.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
