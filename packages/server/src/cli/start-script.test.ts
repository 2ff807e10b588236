import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../resilience/test-support/processes.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';

const FROM_SOURCE = fileURLToPath(new URL('./test-support/haven-from-source.mjs', import.meta.url));

// `npm start` is one of the README's two commands: it must run the haven command (the bin, which
// calls main), serving with the demo jurisdiction — not merely import the CLI module.
describe('npm start', () => {
  it('builds quietly (compiler and bundler say something only when they fail), then serves through the haven command with the demo jurisdiction', () => {
    const root = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const server = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    expect(root.scripts.start).toBe(
      `tsc -b packages/core packages/server && npm run --silent build -w @haven/web -- --logLevel warn && node packages/server/${server.bin.haven!.replace(/^\.\//, '')} serve --demo`,
    );
  });
});

describe('haven serve --demo', () => {
  let database: TestDatabase | undefined;
  afterAll(() => database?.destroy());

  it('prints the URL and the one-time credentials last, after the startup lines, as one block', { timeout: 90_000 }, async () => {
    database = await createTestDatabase('sqlite');
    const child = spawn(process.execPath, [FROM_SOURCE, 'serve', '--demo', '--demo-history', '20', '--port', String(await freePort())], {
      env: { ...process.env, HAVEN_DB: database.config.db, HAVEN_KEY_FILE: database.config.keyFile, HAVEN_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!/API documentation at .*\n=+\n/.test(stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // A moment for anything printed after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    await exited;
    const lines = stdout.trimEnd().split('\n');
    const block = lines.findIndex((line) => line.startsWith('Demo jurisdiction created'));
    expect(block, stdout).toBeGreaterThan(0);
    const listening = lines.findIndex((line) => line.includes('Server listening at'));
    const serving = lines.findIndex((line) => line.startsWith('Haven is serving at'));
    expect(listening, stdout).toBeGreaterThanOrEqual(0);
    expect(serving, stdout).toBeGreaterThan(listening);
    expect(block, stdout).toBeGreaterThan(serving);
    // Nothing after the block but the block: no log line buries it (stopping comes after a signal).
    const after = lines.slice(block);
    const end = after.findIndex((line) => /^=+$/.test(line));
    expect(after.slice(0, end).some((line) => line.startsWith('{')), stdout).toBe(false);
    expect(after.slice(0, end).join('\n')).toMatch(/^ {2}responder +\S+ +first_responder +Demo Coast Guard$/m);
    expect(after.slice(0, end).join('\n')).toMatch(/Sign in at http:\/\/localhost:\d+\//);
    expect(after.slice(0, end).join('\n')).toMatch(/synthetic year of history[^]*: 20 persons\nin \d+ encounters?, seeded in [\d.]+ s\./);
  });
});
