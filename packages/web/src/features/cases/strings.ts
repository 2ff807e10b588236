import { lazyStrings } from '../../app/ui/lazy-strings';

/**
 * The case and referral screens carry many strings (every indicator, obligation, service and
 * guard rule in four languages): only their navigation labels load at start (locales/), the rest
 * (strings/) with the screens' code.
 */
export const CaseStrings = lazyStrings(import.meta.glob<{ default: Record<string, unknown> }>('./strings/*.json'));
