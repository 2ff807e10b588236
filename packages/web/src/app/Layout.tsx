import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useEffect } from 'react';
import { ConnectivityStatus } from '../offline/ConnectivityStatus';
import { refreshPendingCount, startBackgroundSync } from '../offline/outbox';
import { useUnlockedUser } from '../offline/UnlockPanel';
import { NotificationsBadge } from '../features/notifications/NotificationsBadge';
import { LanguageSwitcher } from './LanguageSwitcher';
import { screensFor } from './screens';
import { useSession } from './session';

/** Every signed-in screen sits in this frame: navigation by role, connectivity and pending sync always visible. */
export function Layout() {
  const { t } = useTranslation();
  const { state, signOut, refresh } = useSession();
  const location = useLocation();
  const unlocked = useUnlockedUser();
  const username = state.status === 'signed-in' ? state.me.username : undefined;
  const offline = state.status === 'signed-in' && state.offline;
  useEffect(() => startBackgroundSync(), []);
  useEffect(() => {
    if (username) void refreshPendingCount(username);
  }, [username, unlocked]);
  // Opened offline: once the network is back, ask the server whether the session still holds.
  useEffect(() => {
    if (!offline) return;
    const check = () => void refresh();
    window.addEventListener('online', check);
    return () => window.removeEventListener('online', check);
  }, [offline, refresh]);
  if (state.status === 'loading') return <p className="page" role="status">{t('app.loading')}</p>;
  // After a lapsed session the same user returns to where they were; after a sign-out the next
  // user (on a shared device, maybe another person) starts at home, not on the last record opened.
  if (state.status !== 'signed-in') return <Navigate to="/sign-in" replace state={state.status === 'signed-out' && state.deliberate ? null : { from: location.pathname }} />;
  const { me } = state;
  const screens = screensFor(me.role).filter((screen) => screen.nav);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          Haven
        </NavLink>
        <ConnectivityStatus />
        <div className="topbar-end">
          {offline ? null : <NotificationsBadge />}
          <LanguageSwitcher />
          <span className="who">
            {me.displayName} · {t(`app.roles.${me.role}`)}
          </span>
          <Button className="button button-quiet" onPress={() => void signOut()}>
            {t('app.signOut')}
          </Button>
        </div>
      </header>
      <nav className="sidenav" aria-label={t('app.navigation')}>
        <ul>
          <li>
            <NavLink to="/" end>
              {t('app.home.nav')}
            </NavLink>
          </li>
          {screens.map((screen) => (
            <li key={screen.path}>
              <NavLink to={`/${screen.path}`}>{t(screen.nav!)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
