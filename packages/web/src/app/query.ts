import { partialMatchKey, QueryClient, queryOptions, type QueryKey } from '@tanstack/react-query';
import { api, ApiProblem } from './api';

const STALE_MS = 30_000;
const RETRIES = 2;

/**
 * Whether a failed read is worth asking again: a refusal or a missing record (4xx) answers the
 * same the second time; a server fault (5xx) or a lost answer may not.
 */
export function worthRetrying(failures: number, error: unknown): boolean {
  if (error instanceof ApiProblem && error.status < 500) return false;
  return failures < RETRIES;
}

/**
 * The one cache of what the server said. Every read of personal data is audited on the server, so
 * a record is not read again only because the window got focus or a screen opened twice within
 * half a minute; a change invalidates what it touched. Reads run without the browser's online
 * flag (`networkMode: 'always'`): offline, a screen says the server cannot be reached instead of
 * waiting silently.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: STALE_MS, retry: worthRetrying, refetchOnWindowFocus: false, networkMode: 'always' },
    mutations: { retry: false, networkMode: 'always' },
  },
});

/**
 * One GET under a cache key. The request is not aborted when a screen leaves: another screen
 * (or the same one mounted again) may be waiting for the same answer.
 */
export function apiQuery<T>(queryKey: QueryKey, path: string) {
  return queryOptions({ queryKey, queryFn: () => api<T>('GET', path) });
}

/**
 * Asks again for these records (and those under their keys), after a change to them: each once,
 * however many of the keys reach it.
 */
export function invalidate(...keys: QueryKey[]): Promise<void> {
  return queryClient.invalidateQueries({ predicate: (query) => keys.some((key) => partialMatchKey(query.queryKey, key)) });
}
