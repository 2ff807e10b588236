/**
 * Every problem the server answers, by code: its HTTP status and its title. The server raises a
 * problem by code (status and title come from here); the web app and its offline outbox switch on
 * the same codes, so a code that is not listed here is a type error on both sides.
 *
 * A title naming `{field}` is completed with the first failing field of the input, as the answer's
 * `errors` name it.
 */
export const PROBLEMS = {
  // The input
  'invalid-input': { status: 400, title: 'Invalid {field}' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'bad-url': { status: 400, title: 'Malformed path' },
  'invalid-content-length': { status: 400, title: 'Invalid Content-Length' },
  'malformed-request': { status: 400, title: 'Malformed request' },
  'bad-request': { status: 400, title: 'Bad request' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'body-too-large': { status: 413, title: 'Request body too large' },
  'uri-too-long': { status: 414, title: 'Path too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  unprocessable: { status: 422, title: 'Cannot accept {field}' },
  'weak-password': { status: 422, title: 'Cannot accept {field}' },
  'consent-required': { status: 422, title: 'Cannot accept {field}' },
  'idempotency-key-reused': { status: 422, title: 'Cannot accept {field}' },
  'standing-protection': { status: 422, title: 'A standing protection cannot be waived' },

  // Who is calling
  unauthorized: { status: 401, title: 'Not signed in' },
  'wrong-code': { status: 401, title: 'Wrong code' },
  'wrong-password': { status: 401, title: 'Wrong password' },
  forbidden: { status: 403, title: 'Forbidden' },
  'sign-in-incomplete': { status: 403, title: 'Sign-in not complete' },
  'conduct-not-accepted': { status: 403, title: 'Code of conduct not accepted' },
  'second-administrator-required': { status: 403, title: 'A second administrator must decide' },
  'not-the-requester': { status: 403, title: 'Only its requester withdraws a change' },
  'too-many-requests': { status: 429, title: 'Too many requests' },

  // The record
  'not-found': { status: 404, title: 'Not found' },
  'stale-version': { status: 409, title: 'Stale version' },
  'idempotency-key-in-use': { status: 409, title: 'Request in progress' },
  'export-expired': { status: 410, title: 'Gone' },

  // What the record's state refuses
  'guard-refused': { status: 409, title: 'Refused by a guard' },
  'override-not-permitted': { status: 409, title: 'No override is permitted' },
  'referral-transition-not-allowed': { status: 409, title: 'Transition not allowed' },
  'transition-not-allowed': { status: 409, title: 'Conflict' },
  'access-change-decided': { status: 409, title: 'Conflict' },
  'access-change-outdated': { status: 409, title: 'Conflict' },
  'access-change-pending': { status: 409, title: 'Conflict' },
  'age-challenge-decided': { status: 409, title: 'Conflict' },
  'age-challenge-pending': { status: 409, title: 'Conflict' },
  'agency-exists': { status: 409, title: 'Conflict' },
  'agency-in-handover-rule': { status: 409, title: 'Conflict' },
  'allegation-closed': { status: 409, title: 'Conflict' },
  'already-linked': { status: 409, title: 'Conflict' },
  already_merged: { status: 409, title: 'Conflict' },
  'already-purged': { status: 409, title: 'Conflict' },
  'already-released': { status: 409, title: 'Conflict' },
  already_unmerged: { status: 409, title: 'Conflict' },
  'conduct-version': { status: 409, title: 'Conflict' },
  'consent-given': { status: 409, title: 'Conflict' },
  'consent-not-given': { status: 409, title: 'Conflict' },
  'export-not-ready': { status: 409, title: 'Conflict' },
  'family-link-exists': { status: 409, title: 'Conflict' },
  'investigation-closed': { status: 409, title: 'Conflict' },
  'link-request-decided': { status: 409, title: 'Conflict' },
  'link-request-pending': { status: 409, title: 'Conflict' },
  'link-target-merged': { status: 409, title: 'Conflict' },
  'obligation-not-open': { status: 409, title: 'Conflict' },
  'pathway-exists': { status: 409, title: 'Conflict' },
  'person-merged': { status: 409, title: 'Conflict' },
  'reference-taken': { status: 409, title: 'Conflict' },
  'referral-ended': { status: 409, title: 'Conflict' },
  'referral-not-sent': { status: 409, title: 'Conflict' },
  'totp-already-enrolled': { status: 409, title: 'Conflict' },
  'username-taken': { status: 409, title: 'Conflict' },

  // The server
  internal: { status: 500, title: 'Internal error' },
  'not-ready': { status: 503, title: 'Not ready' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;
export type ProblemStatus = (typeof PROBLEMS)[ProblemCode]['status'];

/** The codes answered with one status. */
export type ProblemCodeWith<S extends ProblemStatus> = { [C in ProblemCode]: (typeof PROBLEMS)[C]['status'] extends S ? C : never }[ProblemCode];

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEMS, value);
}

/** The base of every problem's `type`: the code is its last path segment. */
export const PROBLEM_TYPE_BASE = 'https://haven.invalid/problems/';

/** The code of a problem's `type` URI, if it is one of ours. */
export function problemCodeOf(type: unknown): ProblemCode | undefined {
  if (typeof type !== 'string' || !type.startsWith(PROBLEM_TYPE_BASE)) return undefined;
  const code = type.slice(PROBLEM_TYPE_BASE.length);
  return isProblemCode(code) ? code : undefined;
}

/** The title of a problem with this code, `{field}` completed where the title names it. */
export function problemTitle(code: ProblemCode, field = 'input'): string {
  return (PROBLEMS[code] as { title: string }).title.replace('{field}', field);
}
