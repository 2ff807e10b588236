import { readFileSync, writeFileSync } from 'node:fs';
import { ENCOUNTER_TYPES, type EncounterType, type Role } from '@haven/core';
import type { Command } from 'commander';
import { produceExport, type ExportKind } from '../features/exports/jobs.js';
import { encryptedZip, MIN_EXPORT_PASSWORD } from '../features/exports/zip.js';
import type { StatsFilter } from '../features/stats/service.js';
import { roleCan } from '../platform/access/roles.js';
import { systemStore } from '../store/system-store.js';
import { CliError } from './errors.js';
import { withPlatform } from './platform.js';

// `haven export <kind>`: the same exports as the web app, run in this process with progress on
// stderr. Aggregates need nothing more than access to the database; personal data needs a user
// allowed to export cases (--as, who is named in the audit trail) and a password file for the ZIP.

const KINDS: Record<string, ExportKind> = { indicators: 'indicators', 'case-list': 'case_list', htcds: 'htcds' };
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface ExportOptions {
  format: string;
  out?: string;
  from?: string;
  to?: string;
  area?: string;
  agency?: string;
  encounterType?: string;
  as?: string;
  passwordFile?: string;
}

function filterOf(options: ExportOptions): StatsFilter {
  for (const [name, value] of [['--from', options.from], ['--to', options.to]] as const) {
    if (value !== undefined && !INSTANT.test(value)) throw new CliError(`${name}: an RFC 3339 instant such as 2026-03-01T00:00:00Z, not "${value}"`);
  }
  if (options.encounterType !== undefined && !(ENCOUNTER_TYPES as readonly string[]).includes(options.encounterType)) {
    throw new CliError(`--encounter-type: one of ${ENCOUNTER_TYPES.join(', ')}`);
  }
  return {
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.area ? { area: options.area } : {}),
    ...(options.agency ? { agencyId: options.agency } : {}),
    ...(options.encounterType ? { encounterType: options.encounterType as EncounterType } : {}),
  };
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Export the suppressed indicators (indicators), or personal data of an agency (case-list, htcds) as an AES-256 ZIP')
    .argument('<kind>', `what to export: ${Object.keys(KINDS).join(', ')}`)
    .option('--format <format>', 'indicators: csv, xlsx or pdf; personal exports are always a CSV in a ZIP', 'csv')
    .option('--out <file>', 'where to write it (default: the file name the export proposes, in this directory)')
    .option('--from <instant>', 'indicators: encounters at or after this RFC 3339 instant')
    .option('--to <instant>', 'indicators: encounters before this RFC 3339 instant')
    .option('--area <area>', "indicators: the area of the encounter's responsible agency")
    .option('--agency <id>', "indicators: the encounter's responsible agency")
    .option('--encounter-type <type>', 'indicators: one encounter type')
    .option('--as <username>', 'personal exports: the user exporting (a role allowed to export cases); the audit trail names them')
    .option('--password-file <file>', `personal exports: a file holding the ZIP password (at least ${MIN_EXPORT_PASSWORD} characters; never on the command line)`)
    .action(async (kindArgument: string, options: ExportOptions) => {
      const kind = KINDS[kindArgument];
      if (!kind) throw new CliError(`unknown export "${kindArgument}"; one of ${Object.keys(KINDS).join(', ')}`);
      const personal = kind !== 'indicators';
      if (!personal && !['csv', 'xlsx', 'pdf'].includes(options.format)) throw new CliError(`--format: csv, xlsx or pdf, not "${options.format}"`);
      if (personal && options.format !== 'csv') throw new CliError('--format: a personal-data export is a CSV inside an encrypted ZIP');
      const filter = personal ? {} : filterOf(options);
      let password: string | undefined;
      if (personal) {
        if (!options.as) throw new CliError('--as: name the user exporting personal data');
        if (!options.passwordFile) throw new CliError('--password-file: personal data is written only inside a password-protected ZIP');
        password = readFileSync(options.passwordFile, 'utf8').replace(/\r?\n$/, '');
        if (password.length < MIN_EXPORT_PASSWORD) throw new CliError(`--password-file: the password must have at least ${MIN_EXPORT_PASSWORD} characters`);
      }
      await withPlatform(async (platform) => {
        let agencyId = '';
        let userId: string | null = null;
        if (personal) {
          const user = await platform.database.db.selectFrom('users').select(['id', 'agency_id', 'role', 'disabled']).where('username', '=', options.as!).executeTakeFirst();
          if (!user || user.disabled) throw new CliError(`--as: no active user "${options.as}"`);
          if (!roleCan(user.role as Role, 'case:export')) throw new CliError(`--as: the role ${user.role} may not export personal data`);
          agencyId = user.agency_id;
          userId = user.id;
        }
        let shown = -1;
        const progress = async (fraction: number) => {
          const percent = Math.floor(fraction * 100);
          if (percent === shown) return;
          shown = percent;
          process.stderr.write(`export: ${percent} %\n`);
        };
        const produced = await produceExport(platform, { kind, format: options.format, filter, agencyId }, progress);
        let { fileName, bytes } = produced;
        if (personal) {
          bytes = await encryptedZip(fileName, bytes, password!);
          fileName = fileName.replace(/\.csv$/, '.zip');
          // Who exported which records, as from the web app.
          await systemStore(platform, 'cli', { actorUserId: userId, actorAgencyId: agencyId, requestId: 'cli:export', clientAddress: null }).unit(async (unit) => {
            for (const personId of produced.personIds) unit.record({ action: 'person.exported', recordType: 'person', recordId: personId, fields: [kind] });
          });
        }
        const out = options.out ?? fileName;
        writeFileSync(out, bytes, { mode: personal ? 0o600 : 0o644 });
        await progress(1);
        process.stdout.write(`${out}${personal ? ` (${produced.personIds.length} persons, AES-256 ZIP)` : ''}\n`);
      });
    });
}
