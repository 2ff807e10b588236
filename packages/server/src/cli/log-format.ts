import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

interface LogLine {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  req?: { method?: string; path?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string };
  [key: string]: unknown;
}

/**
 * The server's JSON log lines made readable on a terminal: `12:04:31 info  GET /api/cases 200 8 ms`.
 * A request is one line, when it completes (its method and path remembered from when it came
 * in). Log collectors get the JSON as it is: this is only for a person watching `haven serve`.
 * A line that is not JSON passes through unchanged.
 */
export function formatLogLine(text: string, pending: Map<string, string>): string | undefined {
  let line: LogLine;
  try {
    line = JSON.parse(text) as LogLine;
  } catch {
    return text;
  }
  if (typeof line !== 'object' || line === null) return text;
  const time = new Date(line.time ?? Date.now()).toTimeString().slice(0, 8);
  const level = (LEVELS[line.level ?? 30] ?? String(line.level)).padEnd(5);
  if (line.msg === 'incoming request' && line.reqId && line.req) {
    pending.set(line.reqId, `${line.req.method ?? ''} ${line.req.path ?? ''}`);
    return undefined;
  }
  if (line.msg === 'request completed' && line.reqId) {
    const request = pending.get(line.reqId) ?? 'request';
    pending.delete(line.reqId);
    const ms = line.responseTime === undefined ? '' : ` ${Math.round(line.responseTime)} ms`;
    return `${time} ${level} ${request} ${line.res?.statusCode ?? ''}${ms}`;
  }
  const error = line.err?.message ? `: ${line.err.message}` : '';
  return `${time} ${level} ${line.msg ?? ''}${error}`;
}

/** A stream for the server's logger that writes formatted lines to `out` (a terminal). */
export function readableLogStream(out: NodeJS.WritableStream): Writable {
  const pending = new Map<string, string>();
  let rest = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) {
        if (text === '') continue;
        const formatted = formatLogLine(text, pending);
        if (formatted !== undefined) out.write(`${formatted}\n`);
      }
      done();
    },
  });
}

/** The JSON log lines as they are, written in order with everything else the process prints. */
export function stdoutStream(out: NodeJS.WritableStream = process.stdout): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      out.write(chunk);
      done();
    },
  });
}
