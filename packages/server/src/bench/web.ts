import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { BenchFigure, Benchmark } from './types.js';

// What a phone downloads before the first screen works: the JavaScript of the first route,
// gzipped, read from the production build (packages/web/dist, written by `npm run build`).

/** The budget for the first route's JavaScript, gzipped. */
export const FIRST_ROUTE_BUDGET_KB = 250;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** A chunk and everything it imports statically (what the browser must load with it). */
function closure(manifest: Record<string, ManifestChunk>, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the web build has no chunk ${key}`);
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const key of keys) visit(key);
  return files;
}

function gzippedKb(files: Iterable<string>): number {
  let bytes = 0;
  for (const file of files) bytes += gzipSync(readFileSync(`${DIST}${file}`), { level: 9 }).length;
  return bytes / 1024;
}

/** The route's JavaScript: the entry, the screen's chunk, and the English strings loaded at start. */
export function firstRouteKb(screen: string): { kb: number; files: number } {
  const manifestPath = `${DIST}.vite/manifest.json`;
  if (!existsSync(manifestPath)) throw new Error('packages/web/dist is not built: run `npm run build` first');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
  const strings = Object.keys(manifest).filter((key) => /\/locales\/en\.json$/.test(key));
  const files = closure(manifest, [entry, screen, ...strings]);
  return { kb: gzippedKb(files), files: files.size };
}

export const webBenchmark: Benchmark = {
  name: 'web',
  async run(): Promise<BenchFigure[]> {
    const signIn = firstRouteKb('src/features/sign-in/SignInScreen.tsx');
    const registration = firstRouteKb('src/features/first-response/EncounterScreen.tsx');
    return [
      {
        figure: `first route's JavaScript, gzipped: sign-in (${signIn.files} files)`,
        target: `≤ ${FIRST_ROUTE_BUDGET_KB} KB`,
        measured: `${signIn.kb.toFixed(1)} KB`,
      },
      {
        figure: `JavaScript to the registration screen, gzipped (${registration.files} files)`,
        target: '—',
        measured: `${registration.kb.toFixed(1)} KB`,
      },
    ];
  },
};
