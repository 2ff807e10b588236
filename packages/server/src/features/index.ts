import { auditRoutes } from './audit/routes.js';
import { adminRoutes } from './identity/admin-routes.js';
import { authRoutes } from './identity/auth-routes.js';
import { personRoutes } from './persons/routes.js';
import { systemRoutes } from './system/routes.js';
import type { Feature } from '../platform/http/app.js';

/** Every capability the server exposes, in the order their routes are registered. */
export const features: Feature[] = [systemRoutes, authRoutes, adminRoutes, personRoutes, auditRoutes];
