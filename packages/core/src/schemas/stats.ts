import { z } from 'zod';
import { ENCOUNTER_TYPES } from '../codes.js';

// The indicators: the population asked for, and the report answered (every count already suppressed).

const instant = z.iso.datetime({ offset: true });

/** The population the indicators describe; every field optional. */
export const statsFilterSchema = z.strictObject({
  from: instant.optional().describe('Encounters at or after this instant (RFC 3339)'),
  to: instant.optional().describe('Encounters before this instant (RFC 3339)'),
  area: z.string().min(1).max(200).optional().describe("The area of the encounter's responsible agency"),
  agencyId: z.uuid().optional().describe("The encounter's responsible agency"),
  encounterType: z.enum(ENCOUNTER_TYPES).optional(),
});

const cell = z.number().nullable().describe('null: suppressed (below k, or hidden so that a small cell cannot be recovered from the totals)');

/** A published table with what its rows and columns are. */
export const indicatorTableSchema = z.object({
  id: z.string(),
  rowDimension: z.string(),
  columnDimension: z.string(),
  rows: z.array(z.string()),
  columns: z.array(z.string()),
  cells: z.array(z.array(cell)),
  rowTotals: z.array(cell),
  columnTotals: z.array(cell),
  total: cell,
  k: z.number().int(),
});
export type IndicatorTable = z.infer<typeof indicatorTableSchema>;

/** Counts that overlap (a person has several vulnerabilities): no total, primary suppression only. */
export const indicatorListSchema = z.object({ id: z.string(), dimension: z.string(), items: z.array(z.object({ label: z.string(), count: cell })) });
export type IndicatorList = z.infer<typeof indicatorListSchema>;

/** Shares (0–1) and medians (hours) per row; null when suppressed. */
export const indicatorMeasureSchema = z.object({
  id: z.string(),
  dimension: z.string(),
  unit: z.enum(['share', 'hours', 'cases']),
  items: z.array(z.object({ label: z.string(), value: cell })),
});
export type IndicatorMeasure = z.infer<typeof indicatorMeasureSchema>;

export const indicatorReportSchema = z
  .object({
    k: z.number().int().describe('Cells below k are suppressed'),
    filter: statsFilterSchema,
    generatedAt: z.string(),
    tables: z.array(indicatorTableSchema),
    lists: z.array(indicatorListSchema).describe('Overlapping counts: no totals'),
    measures: z.array(indicatorMeasureSchema),
  })
  .meta({ id: 'IndicatorReport' });
export type IndicatorReport = z.infer<typeof indicatorReportSchema>;

export const suppressionThresholdSchema = z
  .object({ k: z.number().int(), minimum: z.number().int(), default: z.number().int(), version: z.number().int().describe('0 until an administrator sets it') })
  .meta({ id: 'SuppressionThreshold' });
export type SuppressionThreshold = z.infer<typeof suppressionThresholdSchema>;

// Exports of indicators and of personal data, run in the background.

export const EXPORT_KINDS = ['indicators', 'case_list', 'htcds'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const exportJobViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(EXPORT_KINDS),
    format: z.string(),
    filter: statsFilterSchema,
    status: z.enum(EXPORT_STATUSES),
    progress: z.number().int().describe('0–100'),
    personal: z.boolean().describe('Personal data: downloaded only as a ZIP encrypted with a password given at download'),
    fileName: z.string().nullable(),
    records: z.number().int().nullable().describe('Persons in a personal-data export'),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ExportJob' });
export type ExportJobView = z.infer<typeof exportJobViewSchema>;
