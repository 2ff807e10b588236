import i18next from 'i18next';
import { Fragment, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type Sources = Record<string, () => Promise<{ default: Record<string, unknown> }>>;

/**
 * Strings that come with a feature's screens instead of at start: the feature keeps its
 * navigation labels in `locales/` (merged at start) and the rest in `strings/<lang>.json`, given
 * here as `import.meta.glob('./strings/*.json')`. The wrapper renders its children once English
 * (the fallback) and the reader's language are there, and again after a language change, so the
 * first route a phone downloads carries none of them.
 */
export function lazyStrings(sources: Sources): ComponentType<{ children: ReactNode }> {
  const requested = new Map<string, Promise<void>>();
  const load = (language: string): Promise<void> => {
    let pending = requested.get(language);
    if (!pending) {
      const source = Object.entries(sources).find(([path]) => path.endsWith(`/${language}.json`))?.[1];
      pending = source ? source().then((bundle) => void i18next.addResourceBundle(language, 'translation', bundle.default, true, false)) : Promise.resolve();
      requested.set(language, pending);
    }
    return pending;
  };
  return function FeatureStrings({ children }: { children: ReactNode }) {
    const { t, i18n } = useTranslation();
    const language = i18n.language;
    const [ready, setReady] = useState<string>();
    useEffect(() => {
      let live = true;
      const settle = () => {
        if (live) setReady(language);
      };
      // A chunk that fails to load still lets the screen show, with the English words or the keys.
      Promise.all([load('en'), load(language)]).then(settle, settle);
      return () => {
        live = false;
      };
    }, [language]);
    if (ready === undefined) return <p role="status">{t('app.loading')}</p>;
    // Keyed by language: the screen renders again with the strings just added.
    return <Fragment key={ready}>{children}</Fragment>;
  };
}
