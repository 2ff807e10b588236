import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SCRIPT_FONTS } from './fonts';
import { loadRightsSheet } from './load';
import { RightsSheetView } from './RightsSheetView';
import { SHEET_LANGUAGES } from './sheet';

const rendered = await Promise.all(
  SHEET_LANGUAGES.map(async ({ code }) => {
    const sheet = await loadRightsSheet(code);
    return { code, sheet, html: renderToStaticMarkup(createElement(RightsSheetView, { sheet })) };
  }),
);

describe.each(rendered)('the $code sheet on screen', ({ sheet, html }) => {
  it('is marked with its language and direction, in a font stack for its script', () => {
    const article = /<article[^>]*>/.exec(html)![0];
    expect(article).toContain(`lang="${sheet.language}"`);
    expect(article).toContain(`dir="${sheet.direction}"`);
    expect(article).toContain(SCRIPT_FONTS[sheet.script].bundled);
  });

  it('shows the six headings in order', () => {
    const headings = [...html.matchAll(/<h3[^>]*>([^<]*)<\/h3>/g)].map((m) => m[1]);
    expect(headings).toEqual(sheet.sections.map((s) => s.heading.replaceAll('&', '&amp;').replaceAll("'", '&#x27;')));
  });

  it('says when the translation is unchecked, in its language and in English', () => {
    if (sheet.review.status === 'reviewed') {
      expect(html).not.toContain('role="note"');
      return;
    }
    expect(html).toContain('role="note"');
    expect(html).toContain(`<p lang="en" dir="ltr" class="rights-sheet-notice-english">${sheet.review.noticeEnglish}</p>`);
  });
});
