import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ConnectivityStatus } from '../offline/ConnectivityStatus';
import { refreshPendingCount, startBackgroundSync } from '../offline/outbox';
import { useUnlockedUser } from '../offline/UnlockPanel';
import { NotificationsBadge } from '../features/notifications/NotificationsBadge';
import { LanguageSwitcher } from './LanguageSwitcher';
import { screensFor } from './screens';
import { useSession } from './session';

/** Below this width (styles.css uses the same) the header folds the navigation and the account into a menu. */
const COMPACT = '(max-width: 48rem)';

function useCompact(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(COMPACT);
      query.addEventListener('change', changed);
      return () => query.removeEventListener('change', changed);
    },
    () => window.matchMedia(COMPACT).matches,
  );
}

/**
 * The compact header's menu, a disclosure: the button says whether it is open, opening moves the
 * focus to the first link, Escape closes it and gives the focus back, and so does following a link.
 */
function useMenu(compact: boolean) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLElement>(null);
  const location = useLocation();
  const close = useCallback((restoreFocus: boolean) => {
    setOpen(false);
    if (restoreFocus) button.current?.focus();
  }, []);
  useEffect(() => {
    // A link followed from the menu: the focus goes on to the screen it opened, not to the page's top.
    if (menu.current?.contains(document.activeElement)) document.getElementById('main')?.focus();
    setOpen(false);
  }, [location.pathname, compact]);
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('a[href], button')?.focus();
    const onKey = (event: KeyboardEvent) => {
      // A list the menu opened (the language) closes first, on its own Escape.
      if (event.key === 'Escape' && !event.defaultPrevented) close(true);
    };
    // A press on the screen below closes it too; the language list opened from it is not below.
    const onPress = (event: PointerEvent) => {
      const target = event.target as Element;
      if (!menu.current?.contains(target) && !button.current?.contains(target) && !target.closest('.select-popover')) close(false);
    };
    // A link followed from the menu closes it even when it leads to the screen already shown
    // (a role's home may be the screen its menu names): the location does not change then.
    const onFollow = (event: MouseEvent) => {
      if (!(event.target as Element).closest('a[href]')) return;
      setOpen(false);
      document.getElementById('main')?.focus();
    };
    const links = menu.current;
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPress);
    links?.addEventListener('click', onFollow);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPress);
      links?.removeEventListener('click', onFollow);
    };
  }, [open, close]);
  return { open, toggle: () => setOpen((was) => !was), button, menu };
}

/** Every signed-in screen sits in this frame: navigation by role, connectivity and pending sync always visible. */
export function Layout() {
  const { t } = useTranslation();
  const { state, signOut, refresh } = useSession();
  const location = useLocation();
  const unlocked = useUnlockedUser();
  const compact = useCompact();
  const { open, toggle, button, menu } = useMenu(compact);
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
  // The user's own account (API tokens, signing out everywhere) opens from their name.
  const who = (
    <span className="who" data-testid="menu-user">
      {me.displayName} · {t(`app.roles.${me.role}`)} ·{' '}
      <NavLink to="/account" data-testid="my-account">
        {t('account.nav')}
      </NavLink>
    </span>
  );
  const signOutButton = (
    <Button className="button button-quiet" onPress={() => void signOut()} data-testid="sign-out">
      {t('app.signOut')}
    </Button>
  );
  return (
    <div className={`shell${compact ? ' is-compact' : ''}`}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      {/* One block on a phone, kept at the top while the page scrolls; on a wider screen its parts take their own places in the grid. */}
      <div className="masthead">
        <header className="topbar">
          <NavLink to="/" className="brand">
            Haven
          </NavLink>
          <ConnectivityStatus />
          {compact ? (
            <button ref={button} type="button" className="menu-button" aria-expanded={open} aria-controls="main-menu" onClick={toggle} data-testid="menu-button">
              <span className="menu-icon" aria-hidden="true" />
              {t('app.menu')}
            </button>
          ) : (
            <div className="topbar-end">
              {offline ? null : <NotificationsBadge />}
              <LanguageSwitcher />
              {who}
              {signOutButton}
            </div>
          )}
        </header>
        <nav ref={menu} id="main-menu" className={`sidenav${open ? ' is-open' : ''}`} aria-label={t('app.navigation')}>
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
            {compact && !offline ? (
              <li>
                <NotificationsBadge />
              </li>
            ) : null}
          </ul>
          {compact ? (
            <div className="menu-account">
              {who}
              <LanguageSwitcher />
              {signOutButton}
            </div>
          ) : null}
        </nav>
      </div>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
