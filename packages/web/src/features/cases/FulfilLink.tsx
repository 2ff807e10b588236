import type { ObligationView } from '@haven/core/schemas';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../app/session';
import { ACT_PARAMETER, actionLabel, actionsFor } from './model';

/**
 * A work queue's one button for an open obligation: the case page opened on the form that fulfils
 * it, prefilled (the first action the to-do offers the caller). Nothing when the caller can make no
 * record that fulfils it (a standing protection, or work another role does).
 */
export function FulfilLink({ obligation, label }: { obligation: Pick<ObligationView, 'id' | 'code' | 'personId' | 'fulfilledBy'>; label?: string }) {
  const { t } = useTranslation();
  const permissions = useMe().permissions;
  const [action] = actionsFor(obligation, permissions);
  if (!action) return null;
  const words = actionLabel(t, action);
  return (
    <Link className="button button-primary" to={`/cases/${obligation.personId}?${ACT_PARAMETER}=${encodeURIComponent(obligation.id)}`} data-testid="fulfil-link" aria-label={label ? `${words} · ${label}` : undefined}>
      {words}
    </Link>
  );
}
