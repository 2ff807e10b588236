// Runs the `haven` command from the TypeScript sources in a process of its own, so tests can check
// exit codes and output of a real process without building dist/ first.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
const { module } = await runnerImport(here('../main.ts'), {
  configFile: false,
  logLevel: 'error',
  root: here('../../../../../'),
  resolve: { alias: { '@haven/core': here('../../../../core/src/index.ts') } },
});
process.exitCode = await module.main(process.argv);
