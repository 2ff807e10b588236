import os from 'node:os';
import type { Command } from 'commander';
import { DEMO_HISTORY_CASES, type HistorySize } from '../demo/history.js';
import { DEMO_PROFILE_FILE, seedDemo, type DemoCredential } from '../demo/jurisdiction.js';
import { startExportWorker } from '../features/exports/jobs.js';
import { HandoverAgencyError } from '../features/handover/service.js';
import { startReminders } from '../features/obligations/reminders.js';
import { buildHavenApp, shutDown } from '../server.js';
import { CliError } from './errors.js';
import { readableLogStream, stdoutStream } from './log-format.js';
import { configFromEnv, openCliPlatform } from './platform.js';

/**
 * The demo's one-time credentials and where to sign in: printed last, after the startup lines,
 * as one block that stands out on a terminal.
 */
export function credentialsBlock(url: string, credentials: DemoCredential[], history?: HistorySize): string {
  const rule = '='.repeat(78);
  const lines = [
    '',
    rule,
    'Demo jurisdiction created. One-time credentials (shown only now; each user sets a new password',
    'and enrols an authenticator app at first sign-in):',
    '',
    `  ${'user'.padEnd(13)} ${'password'.padEnd(24)} ${'role'.padEnd(19)} agency`,
    ...credentials.map((c) => `  ${c.username.padEnd(13)} ${c.password.padEnd(24)} ${c.role.padEnd(19)} ${c.agency}`),
    '',
    ...(history && history.persons > 0
      ? [
          "It holds a synthetic year of history, so the dashboards and queues have figures (every person and",
          `event invented; each encounter's place starts "Synthetic history"): ${history.persons.toLocaleString('en')} ${history.persons === 1 ? 'person' : 'persons'}`,
          `in ${history.encounters.toLocaleString('en')} ${history.encounters === 1 ? 'encounter' : 'encounters'}, seeded in ${(history.milliseconds / 1000).toFixed(1)} s.`,
          '',
        ]
      : []),
    `Sign in at ${url}/`,
    `API documentation at ${url}/api/docs`,
    rule,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** The size of the demo's synthetic history as given on the command line: a whole number of persons. */
export function historySizeOption(flag: string, value: string): number {
  if (!/^\d{1,6}$/.test(value)) throw new CliError(`${flag}: must be a number of persons from 0 to 999999, not "${value}"`);
  return Number(value);
}

/** After a clean stop, how long a handle left open may keep the process before it exits anyway. */
const EXIT_BACKSTOP_MS = 1_000;

/**
 * Resolves once SIGTERM or SIGINT has stopped the server in order. A second signal during the
 * drain exits at once, with the signal's conventional status (128 + its number).
 */
function untilStopped(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`haven: ${signal} again while stopping: exiting without waiting for requests in flight\n`);
        process.exit(128 + os.constants.signals[signal]);
      }
      stopping = true;
      void stop().finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // Everything Haven started is stopped; should anything else hold the event loop, it is
        // named here and the process ends regardless (a container runtime would kill it).
        setTimeout(() => {
          process.stderr.write(`haven: still running ${EXIT_BACKSTOP_MS} ms after stopping; exiting\n`);
          process.exit(process.exitCode ?? 0);
        }, EXIT_BACKSTOP_MS).unref();
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Haven server (applies pending migrations first)')
    .option('--port <port>', 'port to listen on (default HAVEN_PORT or 8080)')
    .option('--host <host>', 'address to listen on (default HAVEN_HOST or 127.0.0.1)')
    .option('--demo', 'seed the demo jurisdiction if the database is empty, and print its credentials')
    .option('--demo-history <persons>', `with --demo: persons in the demo's synthetic year of history (0 for none)`, String(DEMO_HISTORY_CASES))
    .action(async (options: { port?: string; host?: string; demo?: boolean; demoHistory: string }) => {
      const config = configFromEnv();
      if (options.port !== undefined) {
        if (!/^\d{1,5}$/.test(options.port) || Number(options.port) > 65535) throw new CliError(`--port: must be a port number from 0 to 65535, not "${options.port}"`);
        config.port = Number(options.port);
      }
      if (options.host !== undefined) config.host = options.host;
      const historyPersons = historySizeOption('--demo-history', options.demoHistory);
      // The demo runs its own profile (handover of the first-contact agencies' registrations) unless one is set.
      if (options.demo && !config.profileFile) config.profileFile = DEMO_PROFILE_FILE;
      const platform = await openCliPlatform(config);
      const seeded = options.demo ? await seedDemo(platform, historyPersons) : undefined;
      // On a terminal, log lines a person can read; piped (a service manager, a collector), JSON.
      // Either way through process.stdout, so the lines below come after the startup's log lines.
      const app = await buildHavenApp(platform, process.stdout.isTTY ? readableLogStream(process.stdout) : stdoutStream()).catch(async (error: unknown) => {
        await platform.database.close();
        throw error instanceof HandoverAgencyError ? new CliError(error.message) : error;
      });
      const address = await app.listen({ host: config.host, port: config.port });
      const url = address.replace('://127.0.0.1', '://localhost');
      process.stdout.write(`Haven is serving at ${url} (database: ${platform.database.dialect})\n`);
      // Reminders of obligations due within two hours or overdue, once each across all processes.
      const stopReminders = startReminders(
        platform,
        60_000,
        (error) => app.log.error({ err: { message: (error as Error).message } }, 'reminder pass failed'),
      );
      // Exports queued by any process, stale claims of stopped ones, and expiry of old files.
      const stopExports = startExportWorker(platform, 5_000, (error) => app.log.error({ err: { message: (error as Error).message } }, 'export pass failed'));
      // Last, so the credentials are not lost among the startup lines.
      if (seeded) process.stdout.write(credentialsBlock(url, seeded.credentials, seeded.history));
      await untilStopped(() =>
        shutDown(app, platform, [stopReminders, stopExports], config.shutdownGraceMs).then(({ cut }) => {
          if (cut) app.log.warn(`requests still running after ${config.shutdownGraceMs / 1000} s were cut off`);
        }),
      );
    });
}
