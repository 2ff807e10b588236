import { PROBLEMS, problemCodeOf } from '@haven/core/problems';

/** The part of the OpenAPI document that says what an operation answers. */
export interface DescribedAnswers {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> } | undefined>>;
}

function operationOf(doc: DescribedAnswers, method: string, route: string) {
  return doc.paths[route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()];
}

/** `GET /api/persons/:id` (Fastify) or `GET /api/persons/{id}` (OpenAPI): the operation's documented statuses, or undefined when it is not in the document. */
export function documentedStatuses(doc: DescribedAnswers, method: string, route: string): Set<string> | undefined {
  const operation = operationOf(doc, method, route);
  return operation ? new Set(Object.keys(operation.responses ?? {})) : undefined;
}

/**
 * Why an answer is not one the API description promises for its operation, or undefined when it
 * is (a generated client relies on the list: an undocumented refusal is a description that lies).
 * Given the answer's body, a problem must also carry a code of core's registry, with the status the
 * registry gives it, among the codes its response lists (`x-problem-codes`).
 */
export function undocumentedAnswer(doc: DescribedAnswers, method: string, route: string, status: number, body?: unknown): string | undefined {
  const statuses = documentedStatuses(doc, method, route);
  if (!statuses) return `${method} ${route} is not in the API description`;
  if (!(statuses.has(String(status)) || statuses.has(`${String(status)[0]}XX`) || statuses.has('default'))) {
    return `${method} ${route} answered ${status}, which its description does not list (${[...statuses].join(', ')})`;
  }
  if (status < 400 || body === undefined) return undefined;
  const type = (body as { type?: unknown } | null)?.type;
  const code = problemCodeOf(type);
  if (!code) return `${method} ${route} answered ${status} with the problem type ${String(type)}, which is no registered code`;
  if (PROBLEMS[code].status !== status) return `${method} ${route} answered ${status} with ${code}, which the registry answers with ${PROBLEMS[code].status}`;
  const listed = (operationOf(doc, method, route)?.responses?.[String(status)] as { 'x-problem-codes'?: string[] } | undefined)?.['x-problem-codes'];
  if (listed && !listed.includes(code)) return `${method} ${route} answered ${status} ${code}, which its description does not list (${listed.join(', ')})`;
  return undefined;
}
