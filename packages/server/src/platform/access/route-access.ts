import type { Permission } from './roles.js';

/**
 * Every route declares who may call it (`config.access`); a route without a declaration is
 * refused at start-up, so no route can forget its access rule.
 */
export type RouteAccess =
  /** Anyone, signed in or not (health checks, login, the OpenAPI document). */
  | { public: true }
  | {
      public?: false;
      /** Needed permission; omitted means any signed-in user. */
      permission?: Permission;
      /** The route returns or changes personal data: needs the code of conduct accepted. */
      personalData?: boolean;
      /** Callable before the second factor or a required password change (the sign-in steps). */
      duringSignIn?: boolean;
      /** Only with a browser session, never with an API token (token management, sign-in steps). */
      sessionOnly?: boolean;
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}
