import i18next from 'i18next';
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The case and referral screens carry many strings (every indicator, obligation, service and
 * guard rule in four languages). Only their navigation labels are loaded at start, with the other
 * features' strings (locales/); the rest (strings/) comes with the screens' code, in English (the
 * fallback) and the reader's language, so the first route a phone downloads stays small.
 */
const sources = import.meta.glob<{ default: Record<string, unknown> }>('./strings/*.json');
const requested = new Map<string, Promise<void>>();

function load(language: string): Promise<void> {
  let pending = requested.get(language);
  if (!pending) {
    const source = sources[`./strings/${language}.json`];
    pending = source
      ? source().then((bundle) => {
          i18next.addResourceBundle(language, 'translation', bundle.default, true, false);
        })
      : Promise.resolve();
    requested.set(language, pending);
  }
  return pending;
}

/** Renders its children once the strings of the reader's language are there (again after a language change). */
export function CaseStrings({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const [ready, setReady] = useState<string>();
  useEffect(() => {
    let live = true;
    const settle = () => {
      if (live) setReady(language);
    };
    // Should a chunk fail to load, the screen still shows (with the keys or the English words).
    Promise.all([load('en'), load(language)]).then(settle, settle);
    return () => {
      live = false;
    };
  }, [language]);
  if (ready === undefined) return <p role="status">{t('app.loading')}</p>;
  // Keyed by language: the screen renders again with the strings just added.
  return <Fragment key={ready}>{children}</Fragment>;
}
