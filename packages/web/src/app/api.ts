import { problemCodeOf, type ProblemCode } from '@haven/core/problems';

/**
 * The one way the web app talks to the server: JSON over fetch, the session cookie, the CSRF
 * header on every state-changing request, and RFC 9457 problems turned into `ApiProblem` with the
 * failing fields named, so a form can put each message beside its field.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The code of a refusal: one of core's registered problem codes (the last segment of the problem's
 * `type`), or `http-<status>` for an answer that is not one of the server's problems (a proxy's page).
 */
export type ApiProblemCode = ProblemCode | `http-${number}`;

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiProblemCode,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldProblem[],
    /** The whole problem document, for extensions such as `currentVersion`. */
    readonly body: Record<string, unknown>,
  ) {
    super(detail ?? title);
    this.name = 'ApiProblem';
  }
}

/** The request never reached the server: no network, or the server is down. */
export class NetworkUnavailable extends Error {
  constructor() {
    super('The server cannot be reached.');
    this.name = 'NetworkUnavailable';
  }
}

let csrfToken: string | undefined;
const signedOutListeners = new Set<() => void>();

/** The sign-in steps hand out a new CSRF token each time the session is replaced. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401), so the shell can ask to sign in again. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface RequestOptions {
  /** Sent as `Idempotency-Key`: a retry of a creating request returns the first answer. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Sends no cookie and no CSRF token: the public pages, which must not tie a report to a session on the device. */
  anonymous?: boolean;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken && !options.anonymous) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: options.anonymous ? 'omit' : 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkUnavailable();
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (response.ok) return parsed as T;
  // A gateway or service worker answering for a server that is not there.
  if (response.status === 502 || response.status === 504) throw new NetworkUnavailable();
  const problem = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (response.status === 401 && !path.startsWith('/api/auth/login')) for (const listener of signedOutListeners) listener();
  throw new ApiProblem(
    response.status,
    problemCodeOf(problem.type) ?? `http-${response.status}`,
    typeof problem.title === 'string' ? problem.title : response.statusText,
    typeof problem.detail === 'string' ? problem.detail : undefined,
    Array.isArray(problem.errors) ? (problem.errors as FieldProblem[]) : [],
    problem,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
