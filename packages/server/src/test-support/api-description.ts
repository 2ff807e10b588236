/** The part of the OpenAPI document that says what an operation answers. */
export interface DescribedAnswers {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> } | undefined>>;
}

/** `GET /api/persons/:id` (Fastify) or `GET /api/persons/{id}` (OpenAPI): the operation's documented statuses, or undefined when it is not in the document. */
export function documentedStatuses(doc: DescribedAnswers, method: string, route: string): Set<string> | undefined {
  const operation = doc.paths[route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()];
  return operation ? new Set(Object.keys(operation.responses ?? {})) : undefined;
}

/**
 * Why an answer is not one the API description promises for its operation, or undefined when it
 * is (a generated client relies on the list: an undocumented refusal is a description that lies).
 */
export function undocumentedAnswer(doc: DescribedAnswers, method: string, route: string, status: number): string | undefined {
  const statuses = documentedStatuses(doc, method, route);
  if (!statuses) return `${method} ${route} is not in the API description`;
  if (statuses.has(String(status)) || statuses.has(`${String(status)[0]}XX`) || statuses.has('default')) return undefined;
  return `${method} ${route} answered ${status}, which its description does not list (${[...statuses].join(', ')})`;
}
