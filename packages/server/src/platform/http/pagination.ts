import { pageSchema } from '@haven/core';
import { z } from 'zod';
import { badRequest } from './problem.js';

/** Keyset pagination: the cursor is the (created_at, id) of the last item, opaque to clients. */
export interface Cursor {
  at: string;
  id: string;
}

export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('query:cursor', 'not a cursor returned by this API');
}

/** A page of items as answered (core's page schema, which the web app reads too). */
export const pageResponseSchema = pageSchema;
