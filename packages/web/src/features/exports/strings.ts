import { lazyStrings } from '../../app/ui/lazy-strings';

/** The exports screen's strings load with its code; only the navigation label loads at start. */
export const ExportStrings = lazyStrings(import.meta.glob<{ default: Record<string, unknown> }>('./strings/*.json'));
