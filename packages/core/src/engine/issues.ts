import { z } from 'zod';

/** One problem with an input or a profile: where it is, and what is wrong with which value. */
export interface FieldIssue {
  /** Dotted path with indexes in brackets, e.g. `person.age` or `indicators[2]`; empty for the whole document. */
  path: string;
  /** Plain words naming the offending value. */
  message: string;
}

/** The result of checking a document: the parsed value, or every issue found. */
export type CheckResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A value as it appears in the document, short enough for one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = document;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * Turns zod issues into issues that name the field and the value. Messages set in a schema are
 * kept (they already name the value); zod's generic ones are rewritten in plain words.
 */
export function issuesFromZod(error: z.ZodError, document: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues.flatMap((top) => unwrapUnion(top, []))) {
    const value = valueAt(document, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        issues.push({
          path: formatFieldPath(path),
          message: `unknown field ${JSON.stringify(key)} (value ${describeValue(valueAt(document, path))}); it is not part of the format`,
        });
      }
      continue;
    }
    issues.push({ path: formatFieldPath(issue.path), message: plainMessage(issue, value) });
  }
  return issues;
}

/**
 * A value that fits no branch of a union is reported by the branch whose type it has (a string
 * against the string branch), so the message is that branch's, not a bare "invalid input".
 */
function unwrapUnion(issue: z.core.$ZodIssue, prefix: PropertyKey[]): z.core.$ZodIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
  const branches = issue.errors;
  const typed = branches.find((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  if (!typed) return [{ ...issue, path }];
  return typed.flatMap((inner) => unwrapUnion(inner, path));
}

function plainMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return 'is required but missing';
  // Schema-defined messages are written to name the value already; zod's defaults start with "Invalid".
  if (!issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `${describeValue(value)} is not one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return `${describeValue(value)} is too small (minimum ${String(issue.minimum)})`;
    case 'too_big':
      return `${describeValue(value)} is too big (maximum ${String(issue.maximum)})`;
    case 'invalid_format':
      return `${describeValue(value)} is not a valid ${issue.format}`;
    default:
      return `${describeValue(value)} is not accepted: ${issue.message}`;
  }
}

/** An enumeration whose error names the value and lists the accepted codes. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, {
    error: (issue) => `${describeValue(issue.input)} is not a known ${what}; expected one of: ${values.join(', ')}`,
  });
}
