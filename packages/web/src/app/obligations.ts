import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

/**
 * Every screen names an obligation by one title, kept in one place: core's `obligation-titles/<lang>.json`
 * (`obligations.titles.<code>`, merged into the strings at start; the server prints the same titles). No feature keeps titles
 * of its own (the strings test checks), so a case page, the supervisor's queue, the oversight body's
 * queue, the indicators and the referral inbox never call the same duty by different names.
 * A code a jurisdiction's profile added has no title here and shows as it is.
 */
export const obligationTitleKey = (code: string) => `obligations.titles.${code}`;

export function obligationTitle(t: TFunction, code: string): string {
  return t(obligationTitleKey(code), { defaultValue: code });
}

/** The title alone, for labels read out (a button's accessible name) and lists. */
export function useObligationTitle(): (code: string) => string {
  const { t } = useTranslation();
  return (code) => obligationTitle(t, code);
}
