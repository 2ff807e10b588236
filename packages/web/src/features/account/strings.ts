import { lazyStrings } from '../../app/ui/lazy-strings';

/** This feature's strings, loaded with its screen (only the navigation label is in locales/, loaded at start). */
export const AccountStrings = lazyStrings(import.meta.glob<{ default: Record<string, unknown> }>('./strings/*.json'));
