import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OBLIGATION_CODES } from '../codes.js';
import { renderObligationsDoc } from './obligations-doc.js';

// docs/obligations.md is generated. Regenerate it with:
//   HAVEN_WRITE_DOCS=1 npx vitest run packages/core/src/engine/obligations-doc.test.ts
const file = fileURLToPath(new URL('../../../../docs/obligations.md', import.meta.url));

describe('docs/obligations.md', () => {
  const rendered = renderObligationsDoc();

  it('names every baseline obligation, its basis and its deadline', () => {
    for (const code of OBLIGATION_CODES) expect(rendered).toContain(`| \`${code}\` |`);
    expect(rendered).toMatch(/\| `children\.guardian` \| [^|]+ \| art 16\(4\); CRC 20 \| `unaccompanied_child` or `separated_child` \|/);
    expect(rendered).toContain('| 72 h | encounter |');
    expect(rendered).toContain('| 24 h | detention start |');
  });

  it('matches the catalogue (regenerate with HAVEN_WRITE_DOCS=1)', () => {
    if (process.env.HAVEN_WRITE_DOCS === '1') writeFileSync(file, rendered);
    expect(existsSync(file), `${file} is missing: run with HAVEN_WRITE_DOCS=1`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(rendered);
  });
});
