import type { Role } from '@haven/core/codes';
import { lazy, Suspense, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { useMe } from './session';

/**
 * Where each role starts: its worklist, not a page of tiles. The field roles get a home of their
 * own (loaded with the role, so the first route stays small); the others start on the screen that
 * is their worklist already.
 */
const WORKLISTS: Partial<Record<Role, ComponentType>> = {
  first_responder: lazy(() => import('../features/home/ResponderHome')),
  protection_officer: lazy(() => import('../features/home/OfficerHome')),
  supervisor: lazy(() => import('../features/home/SupervisorHome')),
};

const WORKLIST_SCREENS: Partial<Record<Role, string>> = {
  service_provider: '/referrals/inbox',
  oversight: '/oversight/queue',
  coordinator: '/dashboards',
  investigator: '/investigations',
  // The users, with the access changes waiting for a second administrator on top.
  admin: '/admin/users',
};

export function Home() {
  const { t } = useTranslation();
  const { role } = useMe();
  const screen = WORKLIST_SCREENS[role];
  if (screen) return <Navigate to={screen} replace />;
  const Worklist = WORKLISTS[role];
  if (!Worklist) return <p className="page">{t('app.home.nothingYet')}</p>;
  return (
    <Suspense fallback={<p className="page" role="status">{t('app.loading')}</p>}>
      <Worklist />
    </Suspense>
  );
}
