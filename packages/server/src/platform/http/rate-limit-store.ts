import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Platform } from '../context.js';

type Answer = { current: number; ttl: number };

/** How often a process sweeps counters whose window has ended. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A @fastify/rate-limit store on Haven's database, so that every server process counts the same
 * attempts: one upsert per request, atomic on both engines. The plugin asks for one child store
 * per route; the route is part of the key, and the key is a keyed hash, so no client address is
 * stored.
 */
export function databaseRateLimitStore(platform: Platform): FastifyRateLimitStoreCtor {
  let lastSweep = 0;
  const keyOf = (route: string, client: string) => platform.cipher.mac('rate_limit', `${route}\u0000${client}`);

  async function increment(key: string, timeWindow: number): Promise<Answer> {
    const { db } = platform.database;
    const now = platform.clock();
    const nowText = now.toISOString();
    // A window that has ended starts again at one; otherwise the count goes up. RFC 3339 texts
    // written by toISOString have one length and compare as times.
    const row = await db
      .insertInto('rate_limits')
      .values({ key, hits: 1, window_ends_at: new Date(now.getTime() + timeWindow).toISOString() })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql<number>`case when rate_limits.window_ends_at <= ${nowText} then 1 else rate_limits.hits + 1 end`,
          window_ends_at: sql<string>`case when rate_limits.window_ends_at <= ${nowText} then excluded.window_ends_at else rate_limits.window_ends_at end`,
        }),
      )
      .returning(['hits', 'window_ends_at'])
      .executeTakeFirstOrThrow();
    if (now.getTime() - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = now.getTime();
      await db.deleteFrom('rate_limits').where('window_ends_at', '<=', nowText).execute();
    }
    return { current: Number(row.hits), ttl: Math.max(0, Date.parse(row.window_ends_at) - now.getTime()) };
  }

  async function peek(key: string): Promise<Answer> {
    const now = platform.clock();
    const row = await platform.database.db
      .selectFrom('rate_limits')
      .select(['hits', 'window_ends_at'])
      .where('key', '=', key)
      .where('window_ends_at', '>', now.toISOString())
      .executeTakeFirst();
    return row ? { current: Number(row.hits), ttl: Date.parse(row.window_ends_at) - now.getTime() } : { current: 0, ttl: 0 };
  }

  function storeFor(route: string): FastifyRateLimitStore & { read: FastifyRateLimitStore['incr'] } {
    return {
      incr: (client, callback, timeWindow) => void increment(keyOf(route, client), timeWindow).then((answer) => callback(null, answer), (error: Error) => callback(error)),
      read: (client, callback) => void peek(keyOf(route, client)).then((answer) => callback(null, answer), (error: Error) => callback(error)),
      // The plugin passes the merged route limits, with the route itself as routeInfo.
      child: (options) => {
        const info = (options as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
        return storeFor(`${[info.method ?? ''].flat().join(',')} ${info.url ?? ''}`);
      },
    };
  }

  // The plugin constructs the store with `new`; a constructor function may return the object to use.
  return function DatabaseRateLimitStore() {
    return storeFor('');
  } as unknown as FastifyRateLimitStoreCtor;
}
