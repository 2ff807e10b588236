import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { ROLES, type Role } from '@haven/core';
import { createUser } from '../features/identity/accounts.js';
import { systemStore } from '../store/system-store.js';
import { HttpProblem } from '../platform/http/problem.js';
import { CliError } from './errors.js';
import { withPlatform } from './platform.js';
import { readStdin } from './stdin.js';

interface CreateOptions {
  username: string;
  role: string;
  agency: string;
  displayName?: string;
  passwordStdin?: boolean;
}

/** The option a refused field came from (a weak password came in on standard input). */
const OPTION_OF: Record<string, string> = { password: '--password-stdin', agencyId: '--agency' };
const optionOf = (field: string) => OPTION_OF[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user; prints a temporary password they must change at first sign-in')
    .requiredOption('--username <name>', 'user name (lower case)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--agency <agency>', 'agency name or id')
    .option('--display-name <name>', 'name shown to colleagues')
    .option('--password-stdin', 'read the temporary password from standard input instead of generating one')
    .action(async (options: CreateOptions) => {
      if (!ROLES.includes(options.role as Role)) throw new CliError(`--role: unknown role "${options.role}" (one of ${ROLES.join(', ')})`);
      const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : randomBytes(12).toString('base64url');
      await withPlatform(async (platform) => {
        const { db } = platform.database;
        const agency = await db
          .selectFrom('agencies')
          .select(['id', 'name'])
          .where((eb) => eb.or([eb('id', '=', options.agency), eb('name', '=', options.agency)]))
          .executeTakeFirst();
        if (!agency) throw new CliError(`--agency: no agency named or identified "${options.agency}"`);
        const audit = { actorUserId: null, actorAgencyId: null, requestId: 'cli-user-create', clientAddress: null };
        try {
          const created = await systemStore(platform, 'cli', audit).unit((unit) =>
            createUser(
              unit.db,
              (event) => unit.record(event),
              { agencyId: agency.id, username: options.username, displayName: options.displayName ?? options.username, role: options.role as Role, password, mustChangePassword: true },
              platform.clock(),
            ),
          );
          process.stdout.write(`created ${created.username} (${created.role}, ${agency.name})\n`);
          if (!options.passwordStdin) process.stdout.write(`temporary password: ${password}\n`);
        } catch (error) {
          if (error instanceof HttpProblem) {
            const field = error.errors?.[0]?.field;
            throw new CliError(field ? `${optionOf(field)}: ${error.errors![0]!.message}` : error.message);
          }
          throw error;
        }
      });
    });
}
