import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSTEM_USERS } from './system-store.js';

// The architecture map names every user of the system store: a new one is visible in review.
describe('the system store users', () => {
  it('are each named in docs/ARCHITECTURE.md, and the map names no other', () => {
    const map = readFileSync(new URL('../../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
    const paragraph = map.slice(map.indexOf('**system store**'), map.indexOf('\n\n', map.indexOf('**system store**')));
    const named = [...paragraph.matchAll(/`([a-z-]+)` \(/g)].map((m) => m[1]);
    expect(named.sort()).toEqual(Object.keys(SYSTEM_USERS).sort());
  });
});
