import { describe, expect, it } from 'vitest';
import { readHold } from './holds';

// The server's words for a hold (retention/holds.ts), read back into parts the screen translates.
describe('a hold as the server words it', () => {
  it('reads a recorded hold, an investigation and a complaint', () => {
    expect(readHold('a legal hold placed on 2026-12-08 (its reason is with the hold)')).toEqual({ kind: 'recorded', placedOn: '2026-12-08' });
    expect(readHold('the open investigation RET-2, in which the person is a witness')).toEqual({ kind: 'investigation', status: 'open', reference: 'RET-2', role: 'witness' });
    expect(readHold('a complaint of failure to assist concerning the person, still under investigation')).toEqual({ kind: 'allegation', status: 'under_investigation' });
  });

  it('keeps a line of another shape as written', () => {
    expect(readHold('something new')).toEqual({ kind: 'other', text: 'something new' });
  });
});
