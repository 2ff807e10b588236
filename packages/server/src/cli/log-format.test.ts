import { describe, expect, it } from 'vitest';
import { formatLogLine } from './log-format.js';

// On a terminal, the server's log is read by a person: one short line per request, no JSON.

describe('the log on a terminal', () => {
  const at = new Date(2026, 2, 2, 12, 4, 31).getTime();

  it('says a request in one line when it completes: method, path, status, time', () => {
    const pending = new Map<string, string>();
    expect(formatLogLine(JSON.stringify({ level: 30, time: at, reqId: 'r1', req: { method: 'GET', path: '/api/cases' }, msg: 'incoming request' }), pending)).toBeUndefined();
    expect(formatLogLine(JSON.stringify({ level: 30, time: at, reqId: 'r1', res: { statusCode: 200 }, responseTime: 8.4, msg: 'request completed' }), pending)).toBe('12:04:31 info  GET /api/cases 200 8 ms');
    expect(pending.size).toBe(0);
  });

  it('keeps other lines short, with their level and any error message', () => {
    const pending = new Map<string, string>();
    expect(formatLogLine(JSON.stringify({ level: 30, time: at, msg: 'Server listening at http://127.0.0.1:8080' }), pending)).toBe('12:04:31 info  Server listening at http://127.0.0.1:8080');
    expect(formatLogLine(JSON.stringify({ level: 50, time: at, err: { message: 'database is locked' }, msg: 'reminder pass failed' }), pending)).toBe('12:04:31 ERROR reminder pass failed: database is locked');
    expect(formatLogLine('not json', pending)).toBe('not json');
  });
});
