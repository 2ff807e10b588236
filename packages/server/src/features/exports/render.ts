import { disclosureProblems } from '@haven/core';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { IndicatorReport, IndicatorTable } from '../stats/service.js';

// Aggregate exports of the indicator report: CSV with an HXL hashtag row, XLSX,
// and a PDF with vector bar charts. They publish exactly the suppressed report — nothing is
// recomputed here — and each table is checked again at the door.

export type AggregateFormat = 'csv' | 'xlsx' | 'pdf';

export interface ExportFile {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

/** Refuses a report with a table that would disclose a small cell (a bug upstream, never data to publish). */
export function assertPublishable(report: IndicatorReport): void {
  for (const table of report.tables) {
    const problems = disclosureProblems(table);
    if (problems.length > 0) throw new Error(`table ${table.id} is not publishable: ${problems[0]}`);
  }
  for (const list of report.lists) for (const item of list.items) if (item.count !== null && item.count > 0 && item.count < report.k) throw new Error(`list ${list.id} shows a small count`);
}

/**
 * The long format, one value per line, with the HXL hashtag row under the header (Humanitarian
 * Exchange Language: the HDX convention), so HXL tools read it without a mapping.
 */
export const CSV_COLUMNS: readonly { header: string; hxl: string }[] = [
  { header: 'indicator', hxl: '#indicator+code' },
  { header: 'row_dimension', hxl: '#meta+dimension+row' },
  { header: 'row', hxl: '#meta+category+row' },
  { header: 'column_dimension', hxl: '#meta+dimension+column' },
  { header: 'column', hxl: '#meta+category+column' },
  { header: 'value', hxl: '#indicator+value+num' },
  { header: 'unit', hxl: '#meta+unit' },
  { header: 'suppressed', hxl: '#meta+suppressed' },
  { header: 'k', hxl: '#meta+threshold+num' },
  { header: 'period_from', hxl: '#date+start' },
  { header: 'period_to', hxl: '#date+end' },
  { header: 'area', hxl: '#adm1+name' },
  { header: 'encounter_type', hxl: '#meta+encounter_type' },
];

type Line = [string, string, string, string, string, number | null, string];

function tableLines(table: IndicatorTable): Line[] {
  const lines: Line[] = [];
  table.rows.forEach((row, i) => {
    table.columns.forEach((column, j) => lines.push([table.id, table.rowDimension, row, table.columnDimension, column, table.cells[i]![j]!, 'count']));
    lines.push([table.id, table.rowDimension, row, table.columnDimension, 'total', table.rowTotals[i]!, 'count']);
  });
  table.columns.forEach((column, j) => lines.push([table.id, table.rowDimension, 'total', table.columnDimension, column, table.columnTotals[j]!, 'count']));
  lines.push([table.id, table.rowDimension, 'total', table.columnDimension, 'total', table.total, 'count']);
  return lines;
}

function reportLines(report: IndicatorReport): Line[] {
  return [
    ...report.tables.flatMap(tableLines),
    ...report.lists.flatMap((list) => list.items.map((item): Line => [list.id, list.dimension, item.label, '', '', item.count, 'count'])),
    ...report.measures.flatMap((measure) => measure.items.map((item): Line => [measure.id, measure.dimension, item.label, '', '', item.value, measure.unit])),
  ];
}

export function indicatorsCsv(report: IndicatorReport): ExportFile {
  assertPublishable(report);
  const f = report.filter;
  const records = reportLines(report).map(([indicator, rowDimension, row, columnDimension, column, value, unit]) => [
    indicator,
    rowDimension,
    row,
    columnDimension,
    column,
    value === null ? '' : String(value),
    unit,
    value === null ? 'suppressed' : '',
    String(report.k),
    f.from ?? '',
    f.to ?? '',
    f.area ?? '',
    f.encounterType ?? '',
  ]);
  const text = stringify([CSV_COLUMNS.map((c) => c.header), CSV_COLUMNS.map((c) => c.hxl), ...records]);
  return { fileName: `haven-indicators-${report.generatedAt.slice(0, 10)}.csv`, mediaType: 'text/csv; charset=utf-8', bytes: Buffer.from(text, 'utf8') };
}

function filterText(report: IndicatorReport): string {
  const f = report.filter;
  const parts = [
    `period ${f.from ?? 'from the start'} – ${f.to ?? 'now'}`,
    f.area ? `area ${f.area}` : 'all areas',
    f.agencyId ? `agency ${f.agencyId}` : 'all agencies',
    f.encounterType ? `encounters of type ${f.encounterType}` : 'all encounter types',
  ];
  return parts.join('; ');
}

const SUPPRESSION_NOTE = (k: number) =>
  `Counts from 1 to ${k - 1} are suppressed, and further cells are hidden so that none can be worked out from the totals. A blank cell is suppressed.`;

export async function indicatorsXlsx(report: IndicatorReport): Promise<ExportFile> {
  assertPublishable(report);
  const book = new ExcelJS.Workbook();
  book.creator = 'Haven';
  book.created = new Date(report.generatedAt);
  const about = book.addWorksheet('About');
  about.addRows([['Haven indicators'], ['Generated', report.generatedAt], ['Population', filterText(report)], ['k', report.k], ['Suppression', SUPPRESSION_NOTE(report.k)]]);
  about.getColumn(1).width = 14;
  about.getColumn(2).width = 100;
  const used = new Set<string>();
  const sheetName = (id: string) => {
    let name = id.slice(0, 31);
    for (let n = 2; used.has(name); n++) name = `${id.slice(0, 28)}~${n}`;
    used.add(name);
    return name;
  };
  for (const table of report.tables) {
    const sheet = book.addWorksheet(sheetName(table.id));
    sheet.addRow([table.rowDimension, ...table.columns, 'total']).font = { bold: true };
    sheet.addRow([`#meta+${table.rowDimension}`, ...table.columns.map(() => '#indicator+value+num'), '#indicator+value+num+total']);
    table.rows.forEach((row, i) => sheet.addRow([row, ...table.cells[i]!, table.rowTotals[i]]));
    sheet.addRow(['total', ...table.columnTotals, table.total]).font = { bold: true };
    sheet.getColumn(1).width = 28;
  }
  for (const list of report.lists) {
    const sheet = book.addWorksheet(sheetName(list.id));
    sheet.addRow([list.dimension, 'persons']).font = { bold: true };
    sheet.addRow([`#meta+${list.dimension}`, '#affected+num']);
    for (const item of list.items) sheet.addRow([item.label, item.count]);
    sheet.getColumn(1).width = 36;
  }
  const measures = book.addWorksheet('measures');
  measures.addRow(['measure', 'dimension', 'label', 'value', 'unit']).font = { bold: true };
  measures.addRow(['#indicator+code', '#meta+dimension', '#meta+category', '#indicator+value+num', '#meta+unit']);
  for (const m of report.measures) for (const item of m.items) measures.addRow([m.id, m.dimension, item.label, item.value, m.unit]);
  const bytes = Buffer.from(await book.xlsx.writeBuffer());
  return { fileName: `haven-indicators-${report.generatedAt.slice(0, 10)}.xlsx`, mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes };
}

/** Labels are codes and ISO values; anything outside WinAnsi (a provider's name) is shown as '?'. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
}

interface ChartTextOptions {
  width?: number;
  lineBreak?: boolean;
  ellipsis?: boolean;
}

/** The drawing part of PDFKit's API used here; the shared declaration (referrals/pdfkit.d.ts) covers text only. */
interface ChartDocument {
  x: number;
  y: number;
  page: { width: number; height: number; margins: { top: number; bottom: number; left: number; right: number } };
  addPage(): this;
  font(name: string): this;
  fontSize(size: number): this;
  fillColor(color: string): this;
  moveDown(lines?: number): this;
  text(text: string, options?: ChartTextOptions): this;
  text(text: string, x: number, y: number, options?: ChartTextOptions): this;
  rect(x: number, y: number, width: number, height: number): this;
  fill(color: string): this;
  stroke(color: string): this;
  lineWidth(width: number): this;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  end(): void;
}

export function indicatorsPdf(report: IndicatorReport, options: { compress?: boolean } = {}): Promise<ExportFile> {
  assertPublishable(report);
  const doc = new PDFDocument({
    compress: options.compress ?? true,
    size: 'A4',
    margin: 48,
    lang: 'en',
    info: { Title: 'Haven indicators', Creator: 'Haven', Producer: 'Haven', CreationDate: new Date(report.generatedAt) },
  }) as unknown as ChartDocument;
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const room = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  doc.font('Helvetica-Bold').fontSize(16).text('Haven indicators');
  doc.font('Helvetica').fontSize(9).fillColor('#333333').text(`Generated ${report.generatedAt}. Population: ${printable(filterText(report))}.`);
  doc.text(SUPPRESSION_NOTE(report.k)).fillColor('#000000');

  /** One horizontal bar per label; suppressed values are drawn as an outlined empty bar marked "suppressed". */
  const bars = (title: string, items: { label: string; value: number | null }[], format: (v: number) => string) => {
    const shown = items.slice(0, 30);
    const barHeight = 10;
    room(28 + shown.length * (barHeight + 4));
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).fillColor('#000000').text(title.replace(/_/g, ' '), left, doc.y);
    doc.font('Helvetica').fontSize(8);
    const labelWidth = 150;
    const barSpace = width - labelWidth - 60;
    const max = Math.max(1, ...shown.map((i) => i.value ?? 0));
    let y = doc.y + 4;
    for (const item of shown) {
      doc.fillColor('#000000').text(printable(item.label), left, y, { width: labelWidth - 6, lineBreak: false, ellipsis: true });
      if (item.value === null) {
        doc.lineWidth(0.5).rect(left + labelWidth, y, 30, barHeight).stroke('#999999');
        doc.fillColor('#666666').text('suppressed', left + labelWidth + 36, y, { lineBreak: false });
      } else {
        const length = Math.max(0.5, (item.value / max) * barSpace);
        doc.rect(left + labelWidth, y, length, barHeight).fill('#2f6db5');
        doc.fillColor('#000000').text(format(item.value), left + labelWidth + length + 4, y, { lineBreak: false });
      }
      y += barHeight + 4;
    }
    if (items.length > shown.length) {
      doc.fillColor('#666666').text(`… ${items.length - shown.length} more rows in the CSV and XLSX exports.`, left, y, { lineBreak: false });
      y += 12;
    }
    doc.x = left;
    doc.y = y;
  };
  const count = (v: number) => v.toLocaleString('en');
  for (const table of report.tables) {
    bars(`${table.id} (by ${table.rowDimension}, total ${table.total === null ? 'suppressed' : count(table.total)})`, table.rows.map((label, i) => ({ label, value: table.rowTotals[i]! })), count);
  }
  for (const list of report.lists) bars(list.id, list.items.map((i) => ({ label: i.label, value: i.count })), count);
  for (const measure of report.measures) {
    bars(measure.id, measure.items, measure.unit === 'share' ? (v) => `${(v * 100).toFixed(1)} %` : measure.unit === 'hours' ? (v) => `${v.toFixed(1)} h` : (v) => v.toFixed(1));
  }
  doc.end();
  return done.then((bytes) => ({ fileName: `haven-indicators-${report.generatedAt.slice(0, 10)}.pdf`, mediaType: 'application/pdf', bytes }));
}

export function renderIndicators(report: IndicatorReport, format: AggregateFormat): Promise<ExportFile> {
  if (format === 'csv') return Promise.resolve(indicatorsCsv(report));
  if (format === 'xlsx') return indicatorsXlsx(report);
  return indicatorsPdf(report);
}
