import { randomUUID } from 'node:crypto';
import { EXPORT_KINDS, EXPORT_STATUSES, type ExportJobView, type ExportKind } from '@haven/core';
import os from 'node:os';
import type { Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { ExportJobTable } from '../../platform/db/schema.js';
import { conflict, forbidden, HttpProblem, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import { systemStore, type SystemStore } from '../../store/system-store.js';
import { indicatorReport, type StatsFilter } from '../stats/service.js';
import { caseList, htcdsReferrals } from './personal.js';
import { renderIndicators, type AggregateFormat } from './render.js';
import { claimJob, failJob, findJob, finishJob, insertJob, ownJob, ownJobs, queuedJobIds, reportProgress, tidyJobs } from './store.js';
import { encryptedZip, MIN_EXPORT_PASSWORD } from './zip.js';

// Exports run in the background: a request queues a job; any server process
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

export async function requestExport(store: ScopedStore, input: ExportRequest): Promise<ExportJobView> {
  const { platform, actor } = store;
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
  await store.unit(async (unit) => {
    await insertJob(unit, row);
    unit.record({ action: 'export.requested', recordType: 'export_job', recordId: row.id, fields: [input.kind, input.format] });
  });
  kickExports(platform);
  return view(row);
}

export async function readExport(store: ScopedStore, id: string): Promise<ExportJobView> {
  return view(await store.unit((unit) => ownJob(unit, id)));
}

export async function myExports(store: ScopedStore): Promise<ExportJobView[]> {
  return (await store.unit((unit) => ownJobs(unit, 50))).map(view);
}

export interface Download {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

/** The finished file; a personal export comes zipped (AES-256) under the password given now. */
export async function downloadExport(store: ScopedStore, id: string, password: string | undefined): Promise<Download> {
  const { platform, actor } = store;
  const row = await store.unit((unit) => ownJob(unit, id));
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
  await store.unit(async (unit) => {
    unit.record({ action: 'export.downloaded', recordType: 'export_job', recordId: row.id, fields: [row.kind, personal ? 'encrypted_zip' : row.format] });
  });
  return file;
}

/** This process, as named in the claims it makes. */
const processName = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface ProducedExport {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
  /** Persons in a personal-data export (for the audit trail); empty for aggregates. */
  personIds: string[];
}

/**
 * Makes the file of an export (the worker and `haven export` share this), reporting progress 0–1;
 * its reads run in the named system store given (the export worker's unless said otherwise).
 */
export async function produceExport(
  platform: Platform,
  job: { kind: ExportKind; format: string; filter: StatsFilter; agencyId: string },
  progress: (fraction: number) => Promise<void>,
  store: SystemStore = systemStore(platform, 'exports'),
): Promise<ProducedExport> {
  if (job.kind === 'indicators') {
    await progress(0.05);
    const report = await indicatorReport(platform, job.filter);
    await progress(0.6);
    return { ...(await renderIndicators(report, job.format as AggregateFormat)), personIds: [] };
  }
  const produce = job.kind === 'case_list' ? caseList : htcdsReferrals;
  const result = await produce(store, job.agencyId, (f) => progress(0.05 + f * 0.85));
  return { fileName: result.fileName, mediaType: 'text/csv; charset=utf-8', bytes: result.csv, personIds: result.personIds };
}

/** Runs one claimed job to its end. Errors are stored as a short reason, never with data in it. */
async function work(platform: Platform, id: string, worker: string): Promise<void> {
  const exports = systemStore(platform, 'exports');
  const job = (await exports.unit((unit) => findJob(unit, id)))!;
  // Each step is its own unit, committed at once: other processes see how far the job got.
  const progress = async (fraction: number) => {
    const at = platform.clock().toISOString();
    await exports.unit((unit) => reportProgress(unit, id, worker, Math.max(1, Math.min(99, Math.round(fraction * 100))), at));
  };
  // The requester, for the audit trail: the events name who exported, not the process.
  const asRequester = systemStore(platform, 'exports', { actorUserId: job.requested_by, actorAgencyId: job.agency_id, requestId: `export:${job.id}`, clientAddress: null });
  try {
    const { fileName, mediaType, bytes, personIds } = await produceExport(platform, { kind: job.kind as ExportKind, format: job.format, filter: JSON.parse(job.filter) as StatsFilter, agencyId: job.agency_id }, progress, exports);
    const at = platform.clock();
    await asRequester.unit(async (unit) => {
      const finished = await finishJob(unit, id, worker, {
        status: 'done',
        progress: 100,
        file_name: fileName,
        media_type: mediaType,
        records: job.kind === 'indicators' ? null : personIds.length,
        result_enc: platform.cipher.encrypt(bytes.toString('base64'), placeOf('export_jobs', 'result_enc', job.id)),
        updated_at: at.toISOString(),
        expires_at: new Date(at.getTime() + EXPORT_RETENTION_MS).toISOString(),
      });
      if (!finished) throw new Error('the claim on this export was lost');
      // Who exported which records: one event per person in the file.
      for (const personId of personIds) unit.record({ action: 'person.exported', recordType: 'person', recordId: personId, fields: [job.kind] });
    });
  } catch (error) {
    const at = platform.clock().toISOString();
    await exports.unit((unit) => failJob(unit, id, worker, error instanceof Error ? error.message.slice(0, 200) : 'failed', at));
    throw error;
  }
}

/**
 * One pass of the export worker: requeue jobs of processes that stopped, expire old files, then
 * claim and run whatever is queued. Safe to run in every process at once.
 */
export async function drainExportQueue(platform: Platform, worker = processName): Promise<number> {
  const exports = systemStore(platform, 'exports');
  const now = platform.clock();
  const stale = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
  await exports.unit((unit) => tidyJobs(unit, now.toISOString(), stale, MAX_ATTEMPTS));
  let ran = 0;
  for (;;) {
    const queued = await exports.unit((unit) => queuedJobIds(unit, 5));
    if (queued.length === 0) return ran;
    let claimedAny = false;
    for (const id of queued) {
      if (stopped.has(platform)) return ran;
      if (!(await exports.unit((unit) => claimJob(unit, id, worker, platform.clock().toISOString())))) continue;
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

/** What a purge asks of the exports. */
export { expireFinishedExports } from './store.js';
