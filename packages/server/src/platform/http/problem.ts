import { PROBLEMS, problemTitle, type ProblemCode, type ProblemCodeWith } from '@haven/core/problems';

export type { ProblemCode } from '@haven/core/problems';

/** A field that failed, named by its path (`persons.3.birthDate`, `body`, `header:x-csrf-token`). */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemOptions {
  errors?: FieldError[];
  /** Members beyond RFC 9457's (`currentVersion`, `blockedBy`…). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * An RFC 9457 problem, raised by its code: the status and title come from core's registry
 * (`PROBLEMS`), so a code means the same answer wherever it is raised. Features throw these (or the
 * helpers below); one error handler turns them into `application/problem+json`.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    options: ProblemOptions = {},
  ) {
    const title = problemTitle(code, options.errors?.[0]?.field);
    super(detail ?? title);
    this.name = 'HttpProblem';
    this.status = PROBLEMS[code].status;
    this.title = title;
    this.errors = options.errors;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

/** The problem of this code. */
export function problem(code: ProblemCode, detail?: string, options?: ProblemOptions): HttpProblem {
  return new HttpProblem(code, detail, options);
}

/** A failing field of the input, refused before any work (400). */
export function badRequest(field: string, message: string): HttpProblem {
  return new HttpProblem('invalid-input', `${field}: ${message}`, { errors: [{ field, message }] });
}

/** A well-formed input the server cannot accept, naming the field (422 `unprocessable`, or a more precise code). */
export function unprocessable(field: string, message: string, code: ProblemCodeWith<422> = 'unprocessable'): HttpProblem {
  return new HttpProblem(code, `${field}: ${message}`, { errors: [{ field, message }] });
}

export function unauthorized(detail = 'Sign in to continue.'): HttpProblem {
  return new HttpProblem('unauthorized', detail);
}

export function forbidden(detail = 'Your role does not allow this.'): HttpProblem {
  return new HttpProblem('forbidden', detail);
}

/** Also used for records outside the caller's scope, so their existence is not revealed. */
export function notFound(what = 'record'): HttpProblem {
  return new HttpProblem('not-found', `No such ${what}.`);
}

export function staleVersion(recordType: string, currentVersion: number): HttpProblem {
  return new HttpProblem(
    'stale-version',
    `The ${recordType} was changed by someone else; reload it (current version ${currentVersion}) and apply your change again.`,
    { errors: [{ field: 'version', message: `current version is ${currentVersion}` }], extra: { currentVersion } },
  );
}

/** A refusal by the record's state (409): the code says which. */
export function conflict(code: ProblemCodeWith<409>, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(code, detail, { extra });
}

export function tooManyRequests(retryAfterSeconds: number, detail: string): HttpProblem {
  return new HttpProblem('too-many-requests', detail, { extra: { retryAfter: retryAfterSeconds }, headers: { 'retry-after': String(retryAfterSeconds) } });
}
