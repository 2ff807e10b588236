import type { assistanceInputSchema } from '@haven/core';
import type { z } from 'zod';
import type { RightsSheet } from './sheet';

export type AssistanceInput = z.input<typeof assistanceInputSchema>;

/**
 * The assistance that records a sheet as given: `rights_information` in the sheet's language,
 * which fulfils `info.rights` when the person understands that language. The note names the
 * sheet's version and review status (no personal data) so oversight can tell which wording the
 * person was given.
 */
export function sheetGivenAssistance(sheet: RightsSheet, givenAt: Date, place?: string): AssistanceInput {
  const review = sheet.review.status === 'reviewed' ? 'reviewed' : 'translation not yet checked by a native speaker';
  return {
    type: 'rights_information',
    givenAt: givenAt.toISOString(),
    language: sheet.language,
    ...(place ? { place } : {}),
    notes: `Rights-information sheet, ${sheet.englishName}, version ${sheet.version} (${review})`,
  };
}
