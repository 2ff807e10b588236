import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

// The load generator of the registration benchmark, run as a process of its own so it does not
// share the server's event loop. Options come as one JSON argument; the result goes to stdout.

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  body: unknown;
  /** A fresh Idempotency-Key on every request, as the web app sends with each registration. */
  keyed: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  method: 'POST',
  headers: options.headers,
  body: JSON.stringify(options.body),
  ...(options.keyed ? { requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }) }] } : {}),
});
process.stdout.write(JSON.stringify(result));
