import { describe, expect, it } from 'vitest';
import { INTERFACE_LANGUAGES, loadReportLanguages, reportLanguages } from './report-languages';

const unreviewed = { status: 'machine_or_unreviewed' };
const reviewed = { status: 'reviewed' };

describe('the public report page’s languages', () => {
  it('are the interface’s four while no other rights sheet is reviewed (today)', async () => {
    expect(INTERFACE_LANGUAGES.map((l) => l.code)).toEqual(['en', 'fr', 'es', 'ar']);
    expect(INTERFACE_LANGUAGES.every((l) => l.interface)).toBe(true);
    expect(await loadReportLanguages()).toEqual(INTERFACE_LANGUAGES);
  });

  it('take in a rights sheet’s language as soon as its review says reviewed, with its name and direction', () => {
    const languages = reportLanguages({
      '../rights/sheets/en.json': reviewed,
      '../rights/sheets/ar.json': unreviewed,
      '../rights/sheets/ti.json': reviewed,
      '../rights/sheets/ur.json': reviewed,
      '../rights/sheets/ps.json': unreviewed,
    });
    expect(languages.map((l) => l.code)).toEqual(['en', 'fr', 'es', 'ar', 'ti', 'ur']);
    expect(languages.find((l) => l.code === 'ti')).toEqual({ code: 'ti', name: 'ትግርኛ', direction: 'ltr', interface: false });
    expect(languages.find((l) => l.code === 'ur')).toMatchObject({ name: 'اردو', direction: 'rtl', interface: false });
  });

  it('ignore a file that is not a sheet language', () => {
    expect(reportLanguages({ '../rights/sheets/xx.json': reviewed }).map((l) => l.code)).toEqual(['en', 'fr', 'es', 'ar']);
  });
});
