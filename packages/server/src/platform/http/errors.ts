import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { PROBLEM_TYPE_BASE, problemTitle, PROBLEMS, type ProblemCode } from '@haven/core/problems';
import { HttpProblem, type FieldError } from './problem.js';

interface ZodIssueParams {
  keys?: string[];
}

/** `/persons/3/name` in the body → `persons.3.name`; an unknown key names the key itself. */
function fieldOf(context: string | undefined, instancePath: string, params: ZodIssueParams): string[] {
  const base = instancePath.split('/').filter(Boolean).join('.');
  const prefix = context && context !== 'body' ? `${context}:` : '';
  if (params.keys && params.keys.length > 0) {
    return params.keys.map((key) => `${prefix}${base ? `${base}.` : ''}${key}`);
  }
  return [`${prefix}${base || context || 'body'}`];
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_TYPE_BASE}${problem.code}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      instance: reply.request.url.split('?')[0],
      requestId: reply.request.id,
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...problem.extra,
    });
}

/** A client error raised by the framework or a plugin under no code of ours: the registered code of its status. */
const CODE_OF_STATUS: Partial<Record<number, ProblemCode>> = { 404: 'not-found', 413: 'body-too-large', 414: 'uri-too-long', 415: 'unsupported-media-type' };

const malformedJson = () => new HttpProblem('malformed-json', 'body: the request body is not valid JSON', { errors: [{ field: 'body', message: 'not valid JSON' }] });

/** Turns every error into RFC 9457 problem+json; nothing else reaches a client. */
export function problemFromError(error: FastifyError | Error): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors: FieldError[] = error.validation.flatMap((v) =>
      fieldOf(error.validationContext, v.instancePath, v.params as ZodIssueParams).map((field) => ({
        field,
        message: (v.params as ZodIssueParams).keys ? 'unknown field' : v.message ?? 'invalid',
      })),
    );
    const first = errors[0]!;
    return new HttpProblem('invalid-input', `${first.field}: ${first.message}`, { errors });
  }
  const code = (error as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem('body-too-large', 'body: the request body exceeds the size limit', { errors: [{ field: 'body', message: 'too large' }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem('unsupported-media-type', 'header:content-type: send application/json', {
        errors: [{ field: 'header:content-type', message: 'must be application/json' }],
      });
    // From the router, before any route runs (app.ts passes them here through frameworkErrors).
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpProblem('uri-too-long', 'path: a path parameter exceeds the length any identifier can have', { errors: [{ field: 'path', message: 'too long' }] });
    case 'FST_ERR_BAD_URL':
      return new HttpProblem('bad-url', 'path: not a valid URL component', { errors: [{ field: 'path', message: 'malformed' }] });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem('invalid-content-length', 'header:content-length: does not match the body', {
        errors: [{ field: 'header:content-length', message: 'does not match the body' }],
      });
  }
  if (error instanceof SyntaxError) {
    return malformedJson();
  }
  const status = (error as FastifyError).statusCode;
  if (status === 429) {
    return new HttpProblem('too-many-requests', 'Slow down and try again later.');
  }
  if (status && status >= 400 && status < 500) {
    return new HttpProblem(CODE_OF_STATUS[status] ?? 'bad-request', error.message.replace(/\s+/g, ' ').slice(0, 200));
  }
  return new HttpProblem('internal', 'Something went wrong on the server; the request id identifies it in the logs.');
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = problemFromError(error);
  if (problem.status >= 500) {
    // The message and stack only: request bodies (personal data) are never logged.
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
  }
  // A body refused before it was read (too large, or of a type not accepted) is answered with the
  // connection closing while the client may still be sending it: linger instead of cutting it.
  if (!request.raw.complete && (problem.status === 413 || problem.status === 415)) {
    const socket = request.raw.socket;
    socket.destroySoon = () => {
      socket.end();
      lingerBeforeClosing(socket);
    };
  }
  return sendProblem(reply, problem);
}

/**
 * How long and how much a refused client may go on sending after its answer before the connection
 * is cut. Closing a socket with unread data makes the kernel reset the connection, and a client still
 * sending (a request line of megabytes) then never reads the answer: so the rest is read and dropped
 * first, within these bounds, as web servers do on a lingering close.
 */
const LINGER_MS = 2_000;
const LINGER_BYTES = 8 * 2 ** 20;
/** The parser reports the same error again for every later chunk of a refused connection. */
const answered = new WeakSet<Duplex>();

/**
 * What Node's HTTP parser refuses before a route sees the request (a request line or headers past
 * the size limit, a malformed request, a client too slow to send its headers): problem+json like
 * every other refusal, written straight to the socket because there is no request yet.
 */
export function clientErrorAnswer(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, detail]: [ProblemCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['request-timeout', 'The request was not received in time.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['headers-too-large', 'The request line or headers are too long; shorten the query or the headers.']
        : ['malformed-request', 'The request is not valid HTTP.'];
  const { status } = PROBLEMS[code];
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${code}`, title: problemTitle(code), status, detail });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  lingerBeforeClosing(socket);
}

/**
 * After the answer went out and the socket's writing side was closed: reads and drops what the
 * client still sends, within LINGER_MS and LINGER_BYTES, and destroys the socket when the client
 * closes its side or a bound is reached.
 */
function lingerBeforeClosing(socket: Duplex): void {
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  let dropped = 0;
  socket.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(cut));
}
