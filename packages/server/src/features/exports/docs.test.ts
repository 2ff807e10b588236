import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportsDocument } from './docs.js';

const file = fileURLToPath(new URL('../../../../../docs/exports.md', import.meta.url));

describe('docs/exports.md', () => {
  it('matches the HXL columns and the HTCDS mapping in code', () => {
    if (process.env.HAVEN_WRITE_DOCS === '1') writeFileSync(file, exportsDocument());
    expect(readFileSync(file, 'utf8'), 'stale: rerun with HAVEN_WRITE_DOCS=1').toBe(exportsDocument());
  });
});
