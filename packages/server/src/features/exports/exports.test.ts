import { recoverableCells, type PublishedTable } from '@haven/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { indicatorReport } from '../stats/service.js';
import { syntheticWorld } from '../stats/test-support/world.js';
import { CSV_COLUMNS, indicatorsPdf } from './render.js';
import { openEncryptedZip } from './zip.js';

type Row = Record<string, unknown>;

/** RFC 4180 as csv-stringify writes it: quoted fields may hold commas, quotes and newlines. */
function parse(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
const PASSWORD = 'a long export passphrase 7';

/** Downloads a body as bytes (the Caller helper reads text). */
async function download(server: TestServer, caller: Caller, id: string, body: unknown): Promise<{ status: number; type: string | null; bytes: Buffer; json?: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const raw = caller as unknown as { credentials: { cookie?: string; csrf?: string } };
  if (raw.credentials.cookie) headers.cookie = raw.credentials.cookie;
  if (raw.credentials.csrf) headers['x-csrf-token'] = raw.credentials.csrf;
  const response = await fetch(`${server.baseUrl}/api/exports/${id}/download`, { method: 'POST', headers, body: JSON.stringify(body) });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) return { status: response.status, type: response.headers.get('content-type'), bytes, json: JSON.parse(bytes.toString('utf8')) };
  return { status: response.status, type: response.headers.get('content-type'), bytes };
}

async function finished(caller: Caller, id: string): Promise<Row> {
  for (let i = 0; i < 400; i++) {
    const job = await caller.get(`/api/exports/${id}`);
    expect(job.status).toBe(200);
    expect(job.body.progress).toBeGreaterThanOrEqual(0);
    if (job.body.status === 'done' || job.body.status === 'failed') return job.body as Row;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('export did not finish');
}

/** Tables rebuilt from the long CSV: every line of an indicator that has totals. */
function tablesFromCsv(records: string[][]): Map<string, PublishedTable> {
  const byId = new Map<string, Map<string, Map<string, number | null>>>();
  for (const [indicator, , row, , column, value] of records) {
    if (!column) continue; // lists and measures have no columns
    const rows = byId.get(indicator!) ?? new Map();
    const cells = rows.get(row!) ?? new Map();
    cells.set(column!, value === '' ? null : Number(value));
    rows.set(row!, cells);
    byId.set(indicator!, rows);
  }
  const tables = new Map<string, PublishedTable>();
  for (const [id, rows] of byId) {
    const rowLabels = [...rows.keys()].filter((r) => r !== 'total');
    const columns = [...rows.get('total')!.keys()].filter((c) => c !== 'total');
    tables.set(id, {
      rows: rowLabels,
      columns,
      cells: rowLabels.map((r) => columns.map((c) => rows.get(r)!.get(c)!)),
      rowTotals: rowLabels.map((r) => rows.get(r)!.get('total')!),
      columnTotals: columns.map((c) => rows.get('total')!.get(c)!),
      total: rows.get('total')!.get('total')!,
      k: 11,
    });
  }
  return tables;
}

function expectSafe(table: PublishedTable, k: number, label: string): void {
  const all = [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.total];
  for (const v of all) expect(v === null || v === 0 || v >= k, `${label}: ${v}`).toBe(true);
  expect(recoverableCells(table), label).toEqual([]);
}

describe.each(await databaseKinds())('exports on %s', (kind) => {
  let server: TestServer;
  let coordinator: Caller;
  let supervisor: Caller;
  let officer: Caller;
  let rows: Awaited<ReturnType<typeof syntheticWorld>>['rows'];
  let north: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const world = await syntheticWorld(server.platform, 1200, 21);
    rows = world.rows;
    north = world.agencyIds[0]!;
    coordinator = await sessionFor(server, await makeUser(server.platform, north, 'coordinator', 'coordinator'));
    supervisor = await sessionFor(server, await makeUser(server.platform, north, 'supervisor', 'supervisor'));
    officer = await sessionFor(server, await makeUser(server.platform, north, 'protection_officer', 'officer'));
  });
  afterAll(() => server.close());

  it('exports the indicators as CSV with an HXL row, no cell below k and none recoverable', async () => {
    const queued = await coordinator.post('/api/exports/indicators', { format: 'csv', filter: { area: 'North' } });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued', progress: 0, personal: false });
    expect((await finished(coordinator, queued.body.id)).status).toBe('done');
    const file = await download(server, coordinator, queued.body.id, {});
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
    const [header, hashtags, ...records] = parse(file.bytes.toString('utf8')) as string[][];
    expect(header).toEqual(CSV_COLUMNS.map((c) => c.header));
    expect(hashtags).toEqual(CSV_COLUMNS.map((c) => c.hxl));
    expect(hashtags!.every((tag) => tag.startsWith('#'))).toBe(true);
    const tables = tablesFromCsv(records);
    expect(tables.size).toBeGreaterThan(8);
    for (const [id, table] of tables) expectSafe(table, 11, id);
    for (const record of records) if (record[6] === 'count' && record[5] !== '') expect(Number(record[5]) === 0 || Number(record[5]) >= 11).toBe(true);
    expect(records.every((r) => r[11] === 'North')).toBe(true);
    expect(file.bytes.toString('utf8')).not.toMatch(/synthetic|Synthetic/);
  });

  it('exports the indicators as XLSX whose every table sheet is safe', async () => {
    const queued = await supervisor.post('/api/exports/indicators', { format: 'xlsx' });
    expect((await finished(supervisor, queued.body.id)).status).toBe('done');
    const file = await download(server, supervisor, queued.body.id, {});
    expect(file.type).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const report = await indicatorReport(server.platform, {});
    let checked = 0;
    for (const table of report.tables) {
      const sheet = book.getWorksheet(table.id.slice(0, 31))!;
      expect(sheet.getRow(2).getCell(2).value).toMatch(/^#/);
      const values = (r: number) => Array.from({ length: table.columns.length + 1 }, (_, j) => sheet.getRow(r).getCell(j + 2).value as number | null);
      const body = table.rows.map((_, i) => values(i + 3));
      const totals = values(table.rows.length + 3);
      expectSafe(
        { rows: table.rows, columns: table.columns, cells: body.map((r) => r.slice(0, -1)), rowTotals: body.map((r) => r.at(-1)!), columnTotals: totals.slice(0, -1), total: totals.at(-1)!, k: 11 },
        11,
        table.id,
      );
      checked++;
    }
    expect(checked).toBe(report.tables.length);
  });

  it('draws the PDF report with a vector bar per row, suppressed bars marked', async () => {
    const queued = await coordinator.post('/api/exports/indicators', { format: 'pdf' });
    expect((await finished(coordinator, queued.body.id)).status).toBe('done');
    const file = await download(server, coordinator, queued.body.id, {});
    expect(file.type).toBe('application/pdf');
    expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const plain = (await indicatorsPdf(await indicatorReport(server.platform, {}), { compress: false })).bytes.toString('latin1');
    expect(plain).toMatch(/ re\n(?:[^\n]*\n){0,3}f\n/); // filled rectangles: the bars
    expect(plain).toMatch(/ re\n(?:[^\n]*\n){0,3}S\n/); // outlined empty rectangles: suppressed bars
  });

  it('exports the case list only to a supervisor, zipped under the password given at download, and audits every person', async () => {
    expect((await coordinator.post('/api/exports/cases', { kind: 'case_list' })).status).toBe(403);
    expect((await officer.post('/api/exports/cases', { kind: 'case_list' })).status).toBe(403);
    const queued = await supervisor.post('/api/exports/cases', { kind: 'case_list' });
    expect(queued.status).toBe(202);
    expect(queued.body.personal).toBe(true);
    const job = await finished(supervisor, queued.body.id);
    const ours = (rows.cases as Row[]).filter((c) => c.agency_id === north);
    expect(job).toMatchObject({ status: 'done', records: ours.length });
    // Nobody else sees the job, not even a colleague.
    expect((await coordinator.get(`/api/exports/${queued.body.id}`)).status).toBe(404);
    const noPassword = await download(server, supervisor, queued.body.id, {});
    expect(noPassword.status).toBe(422);
    expect(JSON.stringify(noPassword.json)).toContain('password');
    expect((await download(server, supervisor, queued.body.id, { password: 'short' })).status).toBe(422);
    const file = await download(server, supervisor, queued.body.id, { password: PASSWORD });
    expect(file.type).toBe('application/zip');
    await expect(openEncryptedZip(file.bytes, 'not the password at all')).rejects.toThrow();
    const [entry] = await openEncryptedZip(file.bytes, PASSWORD);
    const [header, ...lines] = parse(Buffer.from(entry!.bytes).toString('utf8')) as string[][];
    expect(header).toContain('given_name');
    expect(lines).toHaveLength(ours.length);
    const { db } = server.platform.database;
    const exported = await db.selectFrom('audit_events').select(['record_id', 'actor_user_id']).where('action', '=', 'person.exported').execute();
    expect(new Set(exported.map((e) => e.record_id))).toEqual(new Set(ours.map((c) => c.person_id)));
    const downloads = await db.selectFrom('audit_events').select('record_id').where('action', '=', 'export.downloaded').where('record_id', '=', queued.body.id).execute();
    expect(downloads).toHaveLength(1);
    // The password is not in the job row, nor anywhere in the audit trail.
    const stored = JSON.stringify(await db.selectFrom('export_jobs').selectAll().execute()) + JSON.stringify(await db.selectFrom('audit_events').selectAll().execute());
    expect(stored).not.toContain(PASSWORD);
  });

  it('maps trafficking referrals to HTCDS fields', async () => {
    const queued = await supervisor.post('/api/exports/cases', { kind: 'htcds' });
    expect((await finished(supervisor, queued.body.id)).status).toBe('done');
    const file = await download(server, supervisor, queued.body.id, { password: PASSWORD });
    const [entry] = await openEncryptedZip(file.bytes, PASSWORD);
    const [header, ...lines] = parse(Buffer.from(entry!.bytes).toString('utf8')) as string[][];
    expect(header).toEqual(expect.arrayContaining(['caseId', 'gender', 'ageBroad', 'citizenship', 'meansOfControlDebtBondage', 'isForcedLabour']));
    const expected = (rows.referrals as Row[]).filter((r) => r.service_type === 'anti_trafficking' && r.from_agency_id === north);
    expect(lines).toHaveLength(expected.length);
    expect(lines.every((l) => ['Male', 'Female', ''].includes(l[header!.indexOf('gender')]!))).toBe(true);
  });

  it('refuses a download before the end and after expiry', async () => {
    const queued = await coordinator.post('/api/exports/indicators', { format: 'csv' });
    expect((await finished(coordinator, queued.body.id)).status).toBe('done');
    // A day later (set on the row: moving the clock that far would end the session too).
    await server.platform.database.db.updateTable('export_jobs').set({ expires_at: '2026-02-28T00:00:00.000Z' }).where('id', '=', queued.body.id).execute();
    expect((await download(server, coordinator, queued.body.id, {})).status).toBe(410);
    expect((await coordinator.post('/api/exports/indicators', { format: 'docx' })).status).toBe(400);
    const mine = await coordinator.get('/api/exports');
    expect(mine.body.length).toBeGreaterThanOrEqual(3);
  });
});
