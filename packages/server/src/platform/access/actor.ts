import type { Actor, RequestContext } from '../context.js';
import { unauthorized } from '../http/problem.js';

/** The signed-in caller of a request; routes declaring access already guarantee one. */
export function actorOf(ctx: RequestContext): Actor {
  if (!ctx.actor) throw unauthorized();
  return ctx.actor;
}
