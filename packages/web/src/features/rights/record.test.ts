import { describe, expect, it } from 'vitest';
import { countsForInfoRights, sheetLanguageFor } from './record';

describe('choosing the sheet for a person', () => {
  it('opens the first language on the record that a sheet exists in', () => {
    expect(sheetLanguageFor(['tig', 'ti', 'ar'])).toBe('ti');
    expect(sheetLanguageFor(['prs'])).toBe('prs');
    expect(sheetLanguageFor(['am', 'om'])).toBeUndefined();
    expect(sheetLanguageFor([])).toBeUndefined();
  });

  it('counts a sheet for info.rights only in a language on the record, or any when none is', () => {
    expect(countsForInfoRights('ti', ['ti', 'ar'])).toBe(true);
    expect(countsForInfoRights('en', ['ti', 'ar'])).toBe(false);
    expect(countsForInfoRights('prs', ['fa'])).toBe(false);
    expect(countsForInfoRights('so', [])).toBe(true);
  });
});
