import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The app is always built for production: React's development build (chosen when NODE_ENV is
// anything else, as under Vitest, whose browser tests build it) runs StrictMode's checks, which
// mount every screen twice, so each GET went out twice (the first cancelled) and every read of
// personal data was audited twice. `vite` (the dev server) keeps the development build.
export default defineConfig(({ command }) => {
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    // The web app reads core's TypeScript sources: one build step, and only what it imports ships.
    // `@haven/core/codes` → core/src/codes.ts, `@haven/core/schemas` → core/src/schemas/index.ts: the
    // subpaths of core's package exports, which the server reads built.
    resolve: { alias: { '@haven/core': fileURLToPath(new URL('../core/src', import.meta.url)) } },
    // The manifest lets the "web" benchmark add up what the first route loads.
    build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, sourcemap: false, manifest: true },
    plugins: [
      react(),
      VitePWA({
        // Registered from src/app/service-worker.ts: the server's CSP allows no inline script.
        injectRegister: false,
        registerType: 'autoUpdate',
        includeAssets: ['icon.svg'],
        manifest: {
          name: 'Haven',
          short_name: 'Haven',
          description: 'Protection of and assistance to smuggled migrants',
          start_url: '/',
          scope: '/',
          display: 'standalone',
          background_color: '#ffffff',
          theme_color: '#0b4f6c',
          icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
        },
        workbox: {
          // The whole app shell and every screen's chunk, so a first responder can work with no signal.
          globPatterns: ['**/*.{js,css,html,svg,json,woff2}'],
          navigateFallback: '/index.html',
          navigateFallbackDenylist: [/^\/api\//, /^\/healthz$/, /^\/readyz$/],
          cleanupOutdatedCaches: true,
          clientsClaim: true,
          skipWaiting: true,
        },
      }),
    ],
  };
});
