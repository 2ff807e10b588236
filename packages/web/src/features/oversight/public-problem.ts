import { ApiProblem, NetworkUnavailable } from '../../app/api';

/** The string key (under oversight.public) for what went wrong, and whether it belongs beside the field. */
export interface PublicProblem {
  key: 'tooLong' | 'refused' | 'tooMany' | 'tooManyChecks' | 'notFound' | 'receiptInvalid' | 'network' | 'unexpected';
  field: boolean;
}

/**
 * The public pages say every refusal in the page's language, never the server's English: the
 * server's answer is read only for its status and whether it names the field.
 */
export function publicProblem(error: unknown, kind: 'report' | 'status'): PublicProblem {
  if (error instanceof NetworkUnavailable) return { key: 'network', field: false };
  if (!(error instanceof ApiProblem)) return { key: 'unexpected', field: false };
  if (error.status === 429) return { key: kind === 'report' ? 'tooMany' : 'tooManyChecks', field: false };
  if (kind === 'report' && error.status === 413) return { key: 'tooLong', field: true };
  if (kind === 'report' && error.status === 400) return { key: 'refused', field: error.errors.some((e) => e.field === 'description' || e.field === 'body.description') };
  if (kind === 'status' && error.status === 404) return { key: 'notFound', field: true };
  if (kind === 'status' && error.status === 400) return { key: 'receiptInvalid', field: true };
  return { key: 'unexpected', field: false };
}
