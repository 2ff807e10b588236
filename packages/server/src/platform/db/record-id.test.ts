import { idSchema } from '@haven/core';
import { describe, expect, it } from 'vitest';
import { newRecordId } from './record-id.js';

describe('record ids', () => {
  it('are version 7 UUIDs that the API accepts as ids', () => {
    const id = newRecordId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idSchema.safeParse(id).success).toBe(true);
  });

  it('carry their time in milliseconds, so later ids sort after earlier ones', () => {
    const at = Date.parse('2026-11-28T13:00:00.000Z');
    const first = newRecordId(at);
    const second = newRecordId(at + 1);
    expect(Number.parseInt(first.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(first < second).toBe(true);
    // Across a draw of random bytes too.
    const ids = Array.from({ length: 1000 }, (_, i) => newRecordId(at + 2 + i));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differ within one millisecond', () => {
    const at = Date.now();
    const ids = Array.from({ length: 10_000 }, () => newRecordId(at));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
