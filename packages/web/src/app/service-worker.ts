import { registerSW } from 'virtual:pwa-register';

/**
 * The service worker caches the app shell and every screen, so the app opens with no network.
 * A new version takes over at once: work in progress lives in IndexedDB, not in the page.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({ immediate: true });
}
