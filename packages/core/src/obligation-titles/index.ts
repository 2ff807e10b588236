import ar from './ar.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };

/**
 * One title per obligation code in each language Haven speaks, kept in one place for every screen
 * (the web app merges these bundles into its strings), notification and printed form (the server
 * names obligations with them). Nested as i18next keys: `obligations.titles.<code>` with the code's
 * dots as levels. A code a jurisdiction's profile added has no title here and shows as it is.
 */
export const OBLIGATION_TITLE_LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
export type ObligationTitleLanguage = (typeof OBLIGATION_TITLE_LANGUAGES)[number];

export type ObligationTitleBundle = { obligations: { titles: Record<string, Record<string, string>> } };

export const OBLIGATION_TITLE_BUNDLES: Readonly<Record<ObligationTitleLanguage, ObligationTitleBundle>> = { en, fr, es, ar };

/** The title of an obligation code in a language, or the code itself when it has none (a profile's own code). */
export function obligationTitleIn(language: ObligationTitleLanguage, code: string): string {
  const dot = code.indexOf('.');
  if (dot < 0) return code;
  return OBLIGATION_TITLE_BUNDLES[language].obligations.titles[code.slice(0, dot)]?.[code.slice(dot + 1)] ?? code;
}
