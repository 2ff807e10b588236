import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useOnline, usePendingChanges } from './connectivity';

/** Always on screen: online or offline, and how many changes wait to be sent. */
export function ConnectivityStatus() {
  const { t } = useTranslation();
  const online = useOnline();
  const pending = usePendingChanges();
  return (
    <div className={`connectivity ${online ? 'is-online' : 'is-offline'}`} role="status" data-testid="connectivity">
      <span className="connectivity-dot" aria-hidden="true" />
      <span data-testid="connectivity-state">{online ? t('app.connectivity.online') : t('app.connectivity.offline')}</span>
      <span aria-hidden="true">·</span>
      <Link to="/sync" data-testid="pending-changes" data-count={pending}>
        {t('app.connectivity.pending', { count: pending })}
      </Link>
    </div>
  );
}
