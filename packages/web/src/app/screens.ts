import type { Role } from '@haven/core/codes';
import type { ComponentType } from 'react';

/**
 * Every screen of the app, in one list the router and the navigation read. Each feature adds its
 * entries here (one line each) and keeps its code in `src/features/<feature>/`; `load` is a
 * dynamic import, so a screen's code is fetched only when someone opens it and the first route
 * stays small.
 */
export interface Screen {
  /** Path under `/`, react-router syntax (`cases/:caseId`). */
  path: string;
  /** Who sees it in the navigation and may open it (the server checks again on every call). */
  roles: readonly Role[] | 'everyone';
  /** i18n key of its label in the navigation; detail pages have none. */
  nav?: string;
  load: () => Promise<{ default: ComponentType }>;
}

const FIELD_ROLES: readonly Role[] = ['first_responder', 'protection_officer', 'supervisor'];

export const SCREENS: Screen[] = [
  { path: 'first-response', roles: FIELD_ROLES, nav: 'firstResponse.nav.encounters', load: () => import('../features/first-response/EncountersScreen') },
  { path: 'first-response/encounters/:encounterId', roles: FIELD_ROLES, load: () => import('../features/first-response/EncounterScreen') },
  { path: 'sync', roles: 'everyone', load: () => import('../offline/SyncScreen') },
  { path: 'dashboards', roles: ['coordinator', 'supervisor', 'oversight'], nav: 'dashboards.nav', load: () => import('../features/dashboards/DashboardsScreen') },
  { path: 'rights', roles: ['first_responder', 'protection_officer', 'service_provider', 'investigator', 'supervisor'], nav: 'rights.nav', load: () => import('../features/rights/RightsScreen') },
  { path: 'persons/:personId/rights', roles: ['first_responder', 'protection_officer', 'service_provider', 'investigator', 'supervisor'], load: () => import('../features/rights/RightsScreen') },
  { path: 'cases', roles: ['protection_officer', 'supervisor'], nav: 'cases.nav', load: () => import('../features/cases/CasesScreen') },
  // The first responder opens a person from the encounter's triage: what is to be done, the record below.
  { path: 'cases/:personId', roles: ['protection_officer', 'supervisor', 'first_responder'], load: () => import('../features/cases/CaseScreen') },
  { path: 'referrals/inbox', roles: ['service_provider', 'supervisor'], nav: 'referralsInbox.nav', load: () => import('../features/referrals-inbox/InboxScreen') },
  { path: 'referrals/:referralId', roles: ['service_provider', 'supervisor'], load: () => import('../features/referrals-inbox/ReferralScreen') },
  { path: 'admin/users', roles: ['admin'], nav: 'admin.nav.users', load: () => import('../features/admin/UsersScreen') },
  { path: 'admin/users/:userId', roles: ['admin'], load: () => import('../features/admin/UserScreen') },
  { path: 'admin/agencies', roles: ['admin'], nav: 'admin.nav.agencies', load: () => import('../features/admin/AgenciesScreen') },
  { path: 'admin/roles', roles: ['admin'], nav: 'admin.nav.roles', load: () => import('../features/admin/RolesScreen') },
  { path: 'admin/directory', roles: ['admin'], nav: 'admin.nav.directory', load: () => import('../features/admin/DirectoryScreen') },
  { path: 'admin/conduct', roles: ['admin'], nav: 'admin.nav.conduct', load: () => import('../features/admin/ConductScreen') },
  { path: 'admin/settings', roles: ['admin'], nav: 'admin.nav.settings', load: () => import('../features/admin/SettingsScreen') },
  { path: 'admin/retention', roles: ['admin'], nav: 'admin.nav.retention', load: () => import('../features/admin/RetentionScreen') },
  { path: 'admin/statistics', roles: ['admin'], nav: 'admin.nav.statistics', load: () => import('../features/admin/StatisticsScreen') },
  { path: 'admin/sop-profile', roles: ['admin'], nav: 'admin.nav.sop', load: () => import('../features/admin/SopProfileScreen') },
  { path: 'supervision/intake', roles: ['supervisor'], nav: 'supervision.nav.intake', load: () => import('../features/supervision/IntakeScreen') },
  { path: 'supervision/overdue', roles: ['supervisor'], nav: 'supervision.nav.overdue', load: () => import('../features/supervision/OverdueScreen') },
  { path: 'supervision/guards', roles: ['supervisor'], nav: 'supervision.nav.guards', load: () => import('../features/supervision/GuardsScreen') },
  { path: 'supervision/service-gaps', roles: ['supervisor'], nav: 'supervision.nav.serviceGaps', load: () => import('../features/supervision/ServiceGapsScreen') },
  { path: 'supervision/persons/:personId', roles: ['supervisor'], load: () => import('../features/supervision/PersonGuardsScreen') },
  { path: 'oversight/queue', roles: ['oversight'], nav: 'oversight.nav.queue', load: () => import('../features/oversight/QueueScreen') },
  { path: 'oversight/allegations', roles: ['oversight'], nav: 'oversight.nav.allegations', load: () => import('../features/oversight/AllegationsScreen') },
  { path: 'oversight/allegations/:allegationId', roles: ['oversight'], load: () => import('../features/oversight/AllegationScreen') },
  { path: 'oversight/legal-holds', roles: ['oversight'], nav: 'oversight.nav.holds', load: () => import('../features/oversight/LegalHoldsScreen') },
  { path: 'oversight/audit', roles: ['oversight'], nav: 'oversight.nav.audit', load: () => import('../features/oversight/AuditScreen') },
  { path: 'self-assessment', roles: ['coordinator', 'oversight'], nav: 'selfAssessment.nav', load: () => import('../features/self-assessment/SelfAssessmentScreen') },
  { path: 'self-assessment/:itemId', roles: ['coordinator', 'oversight'], load: () => import('../features/self-assessment/ItemScreen') },
  { path: 'investigations', roles: ['investigator'], nav: 'justice.nav', load: () => import('../features/justice/InvestigationsScreen') },
  { path: 'investigations/:investigationId', roles: ['investigator'], load: () => import('../features/justice/InvestigationScreen') },
  // Reached from the user's name in the header, not from the navigation.
  { path: 'account', roles: 'everyone', load: () => import('../features/account/AccountScreen') },
  { path: 'complaints/new', roles: 'everyone', nav: 'oversight.nav.report', load: () => import('../features/oversight/ReportScreen') },
  { path: 'exports', roles: ['supervisor', 'coordinator', 'oversight'], nav: 'exports.nav', load: () => import('../features/exports/ExportsScreen') },
  { path: 'notifications', roles: 'everyone', load: () => import('../features/notifications/NotificationsScreen') },
];

export function screensFor(role: Role): Screen[] {
  return SCREENS.filter((screen) => screen.roles === 'everyone' || screen.roles.includes(role));
}
