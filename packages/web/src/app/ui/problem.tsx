import { useTranslation } from 'react-i18next';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiProblem, NetworkUnavailable } from '../api';

/**
 * Puts each field the server named on the form field of the same name, so the message sits
 * beside the input; returns the problems no field of this form shows.
 */
export function applyProblem<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>, fields: readonly Path<T>[]): unknown {
  if (!(error instanceof ApiProblem)) return error;
  const unplaced = error.errors.filter((problem) => {
    const field = fields.find((name) => problem.field === name || problem.field === `body.${name}`);
    if (field) setError(field, { type: 'server', message: problem.message });
    return !field;
  });
  return unplaced.length === 0 && error.errors.length > 0 ? undefined : error;
}

/**
 * A section's read the caller's role may not make (403) is not a problem to put in front of them:
 * the section shows what they may do instead. Any other error is shown as it is.
 */
export function unlessForbidden(error: unknown): unknown {
  return error instanceof ApiProblem && error.status === 403 ? undefined : error;
}

/** An error from the server (or the network), in words, with every field it names. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (error instanceof NetworkUnavailable) {
    return (
      <div role="alert" className="alert alert-error">
        {t('app.problem.network')}
      </div>
    );
  }
  if (error instanceof ApiProblem) {
    return (
      <div role="alert" className="alert alert-error">
        <p className="alert-title">{error.title}</p>
        {error.detail ? <p>{error.detail}</p> : null}
        {error.errors.length > 0 ? (
          <ul>
            {error.errors.map((problem) => (
              <li key={problem.field}>
                <strong>{problem.field}</strong>: {problem.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div role="alert" className="alert alert-error">
      {error instanceof Error ? error.message : t('app.problem.unexpected')}
    </div>
  );
}
