import { lazyStrings } from '../../app/ui/lazy-strings';

/** This feature's strings, loaded with its screens (only the navigation labels are in locales/, loaded at start). */
export const SupervisionStrings = lazyStrings(import.meta.glob<{ default: Record<string, unknown> }>('./strings/*.json'));
