import { assistanceRoutes } from './assistance/routes.js';
import { auditRoutes } from './audit/routes.js';
import { caseRoutes } from './cases/routes.js';
import { directoryRoutes } from './directory/routes.js';
import { duplicateRoutes } from './duplicates/routes.js';
import { encounterRoutes } from './encounters/routes.js';
import { exportRoutes } from './exports/routes.js';
import { adminRoutes } from './identity/admin-routes.js';
import { authRoutes } from './identity/auth-routes.js';
import { justiceRoutes } from './justice/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { obligationRoutes } from './obligations/routes.js';
import { oversightRoutes } from './oversight/routes.js';
import { personRoutes } from './persons/routes.js';
import { referralRoutes } from './referrals/routes.js';
import { retentionRoutes } from './retention/routes.js';
import { screeningRoutes } from './screening/routes.js';
import { selfAssessmentRoutes } from './self-assessment/routes.js';
import { statsRoutes } from './stats/routes.js';
import { systemRoutes } from './system/routes.js';
import type { Feature } from '../platform/http/app.js';
import { scopedStores } from '../store/scoped-store.js';

/** Every capability the server exposes, in the order their routes are registered. */
export const features: Feature[] = [
  scopedStores,
  systemRoutes,
  authRoutes,
  adminRoutes,
  encounterRoutes,
  personRoutes,
  duplicateRoutes,
  screeningRoutes,
  caseRoutes,
  assistanceRoutes,
  obligationRoutes,
  notificationRoutes,
  directoryRoutes,
  referralRoutes,
  justiceRoutes,
  oversightRoutes,
  auditRoutes,
  retentionRoutes,
  selfAssessmentRoutes,
  statsRoutes,
  exportRoutes,
];
