import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, isRouteErrorResponse, Link, Outlet, useRouteError } from 'react-router';
import { Home } from './Home';
import { Layout } from './Layout';
import { SCREENS, type Screen } from './screens';
import { SessionProvider, useMe } from './session';

function RoleGate({ screen, Component }: { screen: Screen; Component: ComponentType }) {
  const { t } = useTranslation();
  const me = useMe();
  if (screen.roles !== 'everyone' && !screen.roles.includes(me.role)) return <p role="alert">{t('app.notForRole')}</p>;
  return <Component />;
}

function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <div role="alert" className="page">
      <h1>{notFound ? t('app.notFound') : t('app.problem.unexpected')}</h1>
      <Link to="/">{t('app.backHome')}</Link>
    </div>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <h1>{t('app.notFound')}</h1>
      <Link to="/">{t('app.backHome')}</Link>
    </div>
  );
}

/** The session (who is signed in, the offline vault on sign-out) exists only for the signed-in app and its sign-in. */
function WithSession() {
  return (
    <SessionProvider>
      <Outlet />
    </SessionProvider>
  );
}

export const router = createBrowserRouter([
  // The public report pages: no session asked for, no cookie sent, nothing of the signed-in app loaded.
  { path: '/report', lazy: async () => ({ Component: (await import('../features/oversight/PublicReportScreen')).default }), ErrorBoundary: RouteError },
  { path: '/report/status', lazy: async () => ({ Component: (await import('../features/oversight/PublicStatusScreen')).default }), ErrorBoundary: RouteError },
  {
    Component: WithSession,
    children: [
      { path: '/sign-in', lazy: async () => ({ Component: (await import('../features/sign-in/SignInScreen')).default }), ErrorBoundary: RouteError },
      {
        path: '/',
        Component: Layout,
        ErrorBoundary: RouteError,
        children: [
          { index: true, Component: Home },
          ...SCREENS.map((screen) => ({
            path: screen.path,
            lazy: async () => {
              const { default: Component } = await screen.load();
              return { Component: () => <RoleGate screen={screen} Component={Component} /> };
            },
          })),
          { path: '*', Component: NotFound },
        ],
      },
    ],
  },
]);
