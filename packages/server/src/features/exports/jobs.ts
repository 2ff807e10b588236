import { randomUUID } from 'node:crypto';
import { EXPORT_KINDS, EXPORT_STATUSES, type ExportJobView, type ExportKind } from '@haven/core';
import os from 'node:os';
import type { AuditContext } from '../../platform/audit/chain.js';
import { withAudit } from '../../platform/audit/recorder.js';
import { actorOf } from '../../platform/access/actor.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { ExportJobTable } from '../../platform/db/schema.js';
import { conflict, forbidden, HttpProblem, notFound, unprocessable } from '../../platform/http/problem.js';
import { indicatorReport, type StatsFilter } from '../stats/service.js';
import { caseList, htcdsReferrals } from './personal.js';
import { renderIndicators, type AggregateFormat } from './render.js';
import { encryptedZip, MIN_EXPORT_PASSWORD } from './zip.js';

// Exports run in the background (issue 8, item 4): a request queues a job; any server process
// claims it with a conditional update (exactly one wins), reports progress in the row, and stores
// the file encrypted at rest until it expires. Personal exports are stored as CSV and zipped with
// the requester's password only when downloaded, so the password is never stored anywhere.

export { EXPORT_KINDS, EXPORT_STATUSES, type ExportKind };
export const PERSONAL_EXPORT_KINDS: readonly ExportKind[] = ['case_list', 'htcds'];

/** How long a finished export can be downloaded. */
export const EXPORT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** A running job not heard of for this long belonged to a process that stopped: it is queued again. */
export const STALE_CLAIM_MS = 10 * 60 * 1000;
const MAX_ATTEMPTS = 3;

export type { ExportJobView } from '@haven/core';

function view(row: ExportJobTable): ExportJobView {
  return {
    id: row.id,
    kind: row.kind as ExportKind,
    format: row.format,
    filter: JSON.parse(row.filter) as StatsFilter,
    status: row.status as ExportJobView['status'],
    progress: row.progress,
    personal: PERSONAL_EXPORT_KINDS.includes(row.kind as ExportKind),
    fileName: row.file_name,
    records: row.records,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}

export interface ExportRequest {
  kind: ExportKind;
  format: AggregateFormat | 'csv';
  filter?: StatsFilter | undefined;
}

export async function requestExport(platform: Platform, ctx: RequestContext, input: ExportRequest): Promise<ExportJobView> {
  const actor = actorOf(ctx);
  const personal = PERSONAL_EXPORT_KINDS.includes(input.kind);
  if (personal && !actor.permissions.has('case:export')) throw forbidden('Your role does not allow exports of personal data.');
  if (personal && input.format !== 'csv') throw unprocessable('format', 'a personal-data export is a CSV inside a password-protected ZIP');
  const at = platform.clock().toISOString();
  const row: ExportJobTable = {
    id: randomUUID(),
    kind: input.kind,
    format: input.format,
    filter: JSON.stringify(personal ? {} : (input.filter ?? {})),
    status: 'queued',
    progress: 0,
    requested_by: actor.userId,
    agency_id: actor.agencyId,
    claimed_by: null,
    claimed_at: null,
    attempts: 0,
    file_name: null,
    media_type: null,
    records: null,
    result_enc: null,
    error: null,
    version: 1,
    created_at: at,
    updated_at: at,
    expires_at: null,
  };
  await withAudit(platform, ctx.audit, async (trx, record) => {
    await trx.insertInto('export_jobs').values(row).execute();
    record({ action: 'export.requested', recordType: 'export_job', recordId: row.id, fields: [input.kind, input.format] });
  });
  kickExports(platform);
  return view(row);
}

async function ownJob(platform: Platform, ctx: RequestContext, id: string): Promise<ExportJobTable> {
  const actor = actorOf(ctx);
  const row = await platform.database.db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  // Only the requester sees a job; to anyone else it does not exist.
  if (!row || row.requested_by !== actor.userId) throw notFound('export');
  return row;
}

export async function readExport(platform: Platform, ctx: RequestContext, id: string): Promise<ExportJobView> {
  return view(await ownJob(platform, ctx, id));
}

export async function myExports(platform: Platform, ctx: RequestContext): Promise<ExportJobView[]> {
  const actor = actorOf(ctx);
  const rows = await platform.database.db.selectFrom('export_jobs').selectAll().where('requested_by', '=', actor.userId).orderBy('created_at', 'desc').orderBy('id').limit(50).execute();
  return rows.map(view);
}

export interface Download {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

/** The finished file; a personal export comes zipped (AES-256) under the password given now. */
export async function downloadExport(platform: Platform, ctx: RequestContext, id: string, password: string | undefined): Promise<Download> {
  const actor = actorOf(ctx);
  const row = await ownJob(platform, ctx, id);
  const personal = PERSONAL_EXPORT_KINDS.includes(row.kind as ExportKind);
  if (personal && !actor.permissions.has('case:export')) throw forbidden('Your role does not allow exports of personal data.');
  if (row.status === 'expired' || (row.expires_at !== null && row.expires_at <= platform.clock().toISOString())) {
    throw new HttpProblem('export-expired', 'This export has expired; request it again.');
  }
  if (row.status !== 'done' || row.result_enc === null) throw conflict('export-not-ready', `The export is ${row.status} (${row.progress} %).`, { status: row.status, progress: row.progress });
  if (personal && (password === undefined || password.length < MIN_EXPORT_PASSWORD)) {
    throw unprocessable('password', `a personal-data export needs a password of at least ${MIN_EXPORT_PASSWORD} characters to encrypt the ZIP`);
  }
  const bytes = Buffer.from(platform.cipher.decrypt(row.result_enc, placeOf('export_jobs', 'result_enc', row.id)), 'base64');
  const file: Download = personal
    ? { fileName: row.file_name!.replace(/\.csv$/, '.zip'), mediaType: 'application/zip', bytes: await encryptedZip(row.file_name!, bytes, password!) }
    : { fileName: row.file_name!, mediaType: row.media_type!, bytes };
  await withAudit(platform, ctx.audit, async (_trx, record) => {
    record({ action: 'export.downloaded', recordType: 'export_job', recordId: row.id, fields: [row.kind, personal ? 'encrypted_zip' : row.format] });
  });
  return file;
}

/** This process, as named in the claims it makes. */
const processName = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Claims a queued job for this process: one conditional update, so one process wins. */
async function claim(platform: Platform, id: string, worker: string): Promise<boolean> {
  const at = platform.clock().toISOString();
  const row = await platform.database.db.selectFrom('export_jobs').select(['attempts', 'version']).where('id', '=', id).executeTakeFirst();
  if (!row) return false;
  const result = await platform.database.db
    .updateTable('export_jobs')
    .set({ status: 'running', claimed_by: worker, claimed_at: at, attempts: row.attempts + 1, version: row.version + 1, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('version', '=', row.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface ProducedExport {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
  /** Persons in a personal-data export (for the audit trail); empty for aggregates. */
  personIds: string[];
}

/** Makes the file of an export (the worker and `haven export` share this), reporting progress 0–1. */
export async function produceExport(
  platform: Platform,
  job: { kind: ExportKind; format: string; filter: StatsFilter; agencyId: string },
  progress: (fraction: number) => Promise<void>,
): Promise<ProducedExport> {
  if (job.kind === 'indicators') {
    await progress(0.05);
    const report = await indicatorReport(platform, job.filter);
    await progress(0.6);
    return { ...(await renderIndicators(report, job.format as AggregateFormat)), personIds: [] };
  }
  const produce = job.kind === 'case_list' ? caseList : htcdsReferrals;
  const result = await produce(platform, job.agencyId, (f) => progress(0.05 + f * 0.85));
  return { fileName: result.fileName, mediaType: 'text/csv; charset=utf-8', bytes: result.csv, personIds: result.personIds };
}

/** Runs one claimed job to its end. Errors are stored as a short reason, never with data in it. */
async function work(platform: Platform, id: string, worker: string): Promise<void> {
  const { db } = platform.database;
  const job = await db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const progress = async (fraction: number) => {
    const at = platform.clock().toISOString();
    await db
      .updateTable('export_jobs')
      .set({ progress: Math.max(1, Math.min(99, Math.round(fraction * 100))), claimed_at: at, updated_at: at })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .execute();
  };
  // The requester, for the audit trail: the events name who exported, not the process.
  const audit: AuditContext = { actorUserId: job.requested_by, actorAgencyId: job.agency_id, requestId: `export:${job.id}`, clientAddress: null };
  try {
    const { fileName, mediaType, bytes, personIds } = await produceExport(platform, { kind: job.kind as ExportKind, format: job.format, filter: JSON.parse(job.filter) as StatsFilter, agencyId: job.agency_id }, progress);
    const at = platform.clock();
    await withAudit(platform, audit, async (trx, record) => {
      const updated = await trx
        .updateTable('export_jobs')
        .set({
          status: 'done',
          progress: 100,
          file_name: fileName,
          media_type: mediaType,
          records: job.kind === 'indicators' ? null : personIds.length,
          result_enc: platform.cipher.encrypt(bytes.toString('base64'), placeOf('export_jobs', 'result_enc', job.id)),
          updated_at: at.toISOString(),
          expires_at: new Date(at.getTime() + EXPORT_RETENTION_MS).toISOString(),
        })
        .where('id', '=', id)
        .where('claimed_by', '=', worker)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new Error('the claim on this export was lost');
      // Who exported which records: one event per person in the file.
      for (const personId of personIds) record({ action: 'person.exported', recordType: 'person', recordId: personId, fields: [job.kind] });
    });
  } catch (error) {
    const at = platform.clock().toISOString();
    await db
      .updateTable('export_jobs')
      .set({ status: 'failed', error: error instanceof Error ? error.message.slice(0, 200) : 'failed', updated_at: at })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .execute();
    throw error;
  }
}

/**
 * One pass of the export worker: requeue jobs of processes that stopped, expire old files, then
 * claim and run whatever is queued. Safe to run in every process at once.
 */
export async function drainExportQueue(platform: Platform, worker = processName): Promise<number> {
  const { db } = platform.database;
  const now = platform.clock();
  const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  await db.updateTable('export_jobs').set({ status: 'queued', claimed_by: null, updated_at: now.toISOString() }).where('status', '=', 'running').where('claimed_at', '<', stale).where('attempts', '<', MAX_ATTEMPTS).execute();
  await db
    .updateTable('export_jobs')
    .set({ status: 'failed', error: 'stopped too often', updated_at: now.toISOString() })
    .where('status', '=', 'running')
    .where('claimed_at', '<', stale)
    .where('attempts', '>=', MAX_ATTEMPTS)
    .execute();
  await db.updateTable('export_jobs').set({ status: 'expired', result_enc: null, updated_at: now.toISOString() }).where('status', '=', 'done').where('expires_at', '<=', now.toISOString()).execute();
  let ran = 0;
  for (;;) {
    const queued = await db.selectFrom('export_jobs').select('id').where('status', '=', 'queued').orderBy('created_at').orderBy('id').limit(5).execute();
    if (queued.length === 0) return ran;
    let claimedAny = false;
    for (const { id } of queued) {
      if (stopped.has(platform)) return ran;
      if (!(await claim(platform, id, worker))) continue;
      claimedAny = true;
      ran += 1;
      await work(platform, id, worker).catch(() => undefined); // stored as failed on the job
    }
    if (!claimedAny) return ran;
  }
}

const draining = new WeakMap<Platform, Promise<number>>();
/** Platforms whose export worker has stopped: no pass starts there again, nor claims another job. */
const stopped = new WeakSet<Platform>();

/** Starts a pass in this process now (after a request), unless one is already running here. */
export function kickExports(platform: Platform): Promise<number> {
  const current = draining.get(platform);
  if (current) return current;
  if (stopped.has(platform)) return Promise.resolve(0);
  const pass = drainExportQueue(platform).finally(() => draining.delete(platform));
  draining.set(platform, pass);
  pass.catch(() => undefined);
  return pass;
}

/**
 * The periodic pass of `haven serve` (jobs queued by other processes, stale claims, expiry).
 * Stopping it lets the job under way finish and claims no other; a job cut short when the process
 * stops anyway is queued again once its claim is stale.
 */
export function startExportWorker(platform: Platform, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  stopped.delete(platform);
  const timer = setInterval(() => {
    kickExports(platform).catch(onError);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    stopped.add(platform);
    await draining.get(platform)?.catch(() => undefined);
  };
}
