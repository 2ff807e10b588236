/** A field that failed, named by its path (`persons.3.birthDate`, `body`, `header:x-csrf-token`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem. Features throw these (or the helpers below); one error handler turns them
 * into `application/problem+json`, so every refusal looks the same to a client.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export function badRequest(field: string, message: string): HttpProblem {
  return new HttpProblem(400, 'invalid-input', `Invalid ${field}`, `${field}: ${message}`, [{ field, message }]);
}

export function unprocessable(field: string, message: string, code = 'unprocessable'): HttpProblem {
  return new HttpProblem(422, code, `Cannot accept ${field}`, `${field}: ${message}`, [{ field, message }]);
}

export function unauthorized(detail = 'Sign in to continue.'): HttpProblem {
  return new HttpProblem(401, 'unauthorized', 'Not signed in', detail);
}

export function forbidden(detail = 'Your role does not allow this.'): HttpProblem {
  return new HttpProblem(403, 'forbidden', 'Forbidden', detail);
}

/** Also used for records outside the caller's scope, so their existence is not revealed. */
export function notFound(what = 'record'): HttpProblem {
  return new HttpProblem(404, 'not-found', 'Not found', `No such ${what}.`);
}

export function staleVersion(recordType: string, currentVersion: number): HttpProblem {
  return new HttpProblem(
    409,
    'stale-version',
    'Stale version',
    `The ${recordType} was changed by someone else; reload it (current version ${currentVersion}) and apply your change again.`,
    [{ field: 'version', message: `current version is ${currentVersion}` }],
    { currentVersion },
  );
}

export function conflict(code: string, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(409, code, 'Conflict', detail, undefined, extra);
}

export function tooManyRequests(retryAfterSeconds: number, detail: string): HttpProblem {
  return new HttpProblem(429, 'too-many-requests', 'Too many requests', detail, undefined, { retryAfter: retryAfterSeconds }, {
    'retry-after': String(retryAfterSeconds),
  });
}
