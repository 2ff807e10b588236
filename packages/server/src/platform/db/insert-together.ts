import { sql, type Insertable, type OperationNodeSource, type RawBuilder } from 'kysely';
import type { Dialect, Queryable } from './database.js';
import type { HavenSchema } from './schema.js';

/** Rows for one table, inserted in the order given. */
export type TableRows = { [T in keyof HavenSchema]: { table: T; rows: readonly Insertable<HavenSchema[T]>[] } }[keyof HavenSchema];

/** Parameters per part of a statement (rows of one table), as the batched inserts always used. */
const PART_PARAMETERS = 6_000;
/** Parameters per statement: well under PostgreSQL's 65,535 and SQLite's 32,766. */
const STATEMENT_PARAMETERS = 30_000;

interface Part {
  table: keyof HavenSchema;
  rows: readonly object[];
  parameters: number;
}

function partsOf(groups: readonly TableRows[]): Part[] {
  const parts: Part[] = [];
  for (const { table, rows } of groups) {
    if (rows.length === 0) continue;
    const columns = Math.max(1, Object.keys(rows[0]!).length);
    const perPart = Math.max(1, Math.floor(PART_PARAMETERS / columns));
    for (let i = 0; i < rows.length; i += perPart) {
      const slice = rows.slice(i, i + perPart);
      parts.push({ table, rows: slice, parameters: slice.length * columns });
    }
  }
  return parts;
}

/** A statement that may close the last round trip: an update of a few rows, say. */
export type ClosingStatement = OperationNodeSource & { execute(): Promise<unknown> };

/**
 * Inserts rows into several tables, then runs `closing` if given, in as few round trips as the
 * engine allows. On PostgreSQL the parts go out as one statement of data-modifying WITH clauses
 * per few tens of thousands of parameters: a registration's persons, cases, screenings, match keys
 * and obligations were five round trips, each a wait on a busy server, and are now one. Foreign
 * keys are checked when the statement ends, so a part may refer to rows of an earlier part. On
 * SQLite, in-process, each part is its own statement, in order.
 */
export async function insertTogether(q: Queryable, dialect: Dialect, groups: readonly TableRows[], closing?: ClosingStatement): Promise<void> {
  const parts = partsOf(groups);
  const insert = (part: Part) => q.insertInto(part.table).values(part.rows as never);
  if (dialect === 'sqlite') {
    for (const part of parts) await insert(part).execute();
    await closing?.execute();
    return;
  }
  const statements: Part[][] = [];
  let parameters = STATEMENT_PARAMETERS;
  for (const part of parts) {
    if (parameters + part.parameters > STATEMENT_PARAMETERS) {
      statements.push([]);
      parameters = 0;
    }
    statements.at(-1)!.push(part);
    parameters += part.parameters;
  }
  for (const [n, statement] of statements.entries()) {
    const main: ClosingStatement | undefined = n === statements.length - 1 && closing ? closing : undefined;
    const clauses = main ? statement : statement.slice(0, -1);
    const last = main ?? insert(statement.at(-1)!);
    if (clauses.length === 0) await last.execute();
    else {
      const withs: RawBuilder<unknown>[] = clauses.map((part, i) => sql`${sql.id(`part_${i}`)} as (${insert(part)})`);
      await sql`with ${sql.join(withs)} ${last}`.execute(q);
    }
  }
  if (statements.length === 0) await closing?.execute();
}
