import { DEFAULT_K, MIN_K } from '@haven/core';
import { HTCDS_FIELDS } from './personal.js';
import { CSV_COLUMNS } from './render.js';

/** docs/exports.md, generated from the tables in code (a test keeps the committed copy current). */
export function exportsDocument(): string {
  const lines = [
    '# Exports',
    '',
    'Generated from `packages/server/src/features/exports/` (`HAVEN_WRITE_DOCS=1 npx vitest run packages/server/src/features/exports/docs.test.ts` rewrites it); do not edit by hand.',
    '',
    '## Aggregates: the indicators',
    '',
    `Every table is suppressed before it is exported: counts from 1 to k-1 (k = ${DEFAULT_K} by default, never below ${MIN_K}) are blank, and further cells are blanked so that none can be worked out from the row, column or grand totals. Shares and medians are published only from cells that are. No free text is exported.`,
    '',
    'The CSV is in long format, one value per line, with the [HXL](https://hxlstandard.org) hashtag row under the header:',
    '',
    '| column | HXL hashtag |',
    '|---|---|',
    ...CSV_COLUMNS.map((c) => `| ${c.header} | \`${c.hxl}\` |`),
    '',
    'The XLSX holds one sheet per table (header, hashtag row, rows, totals), the overlapping counts and the measures; the PDF draws each table and measure as vector bars, a suppressed value as an empty outlined bar.',
    '',
    '## Personal data: case list and trafficking referrals',
    '',
    'Only supervisors (permission `case:export`), only their own agency, only as a ZIP encrypted with AES-256 under a password of at least 12 characters given at download (never stored). Each person in the file is an audit event `person.exported` naming the user.',
    '',
    'Trafficking referrals map to the Human Trafficking Case Data Standard (HTCDS), using the variable names of the Counter-Trafficking Data Collaborative global dataset; fields Haven does not hold are left out, not guessed:',
    '',
    '| HTCDS / CTDC field | Haven source |',
    '|---|---|',
    ...HTCDS_FIELDS.map((f) => `| \`${f.field}\` | ${f.source.replace(/\|/g, '\\|')} |`),
    '',
  ];
  return lines.join('\n');
}
