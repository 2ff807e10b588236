import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm start` is one of the README's two commands: it must run the haven command (the bin, which
// calls main), serving with the demo jurisdiction — not merely import the CLI module.
describe('npm start', () => {
  it('builds, then serves through the haven command with the demo jurisdiction', () => {
    const root = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const server = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    expect(root.scripts.start).toBe(`npm run build && node packages/server/${server.bin.haven!.replace(/^\.\//, '')} serve --demo`);
  });
});
