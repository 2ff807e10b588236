import { useSyncExternalStore } from 'react';

/**
 * What the status bar shows: whether the browser has a network, and how many changes wait in the
 * outbox. The outbox reports its count here; screens read it through the hooks.
 */
let pending = 0;
/** Counts every report: an item can change state (pending to conflict) while the count stays. */
let revision = 0;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

export function reportPendingChanges(count: number): void {
  pending = count;
  revision += 1;
  // Hooks re-render only when what they read changed: the count for most, the revision for the list.
  for (const listener of listeners) listener();
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, () => navigator.onLine);
}

export function usePendingChanges(): number {
  return useSyncExternalStore(subscribe, () => pending);
}

/** Changes after every pass of the outbox, for a screen that lists its items and their states. */
export function useOutboxRevision(): number {
  return useSyncExternalStore(subscribe, () => revision);
}
