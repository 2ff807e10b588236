import { CompiledQuery, sql, type Insertable, type OperationNodeSource, type RawBuilder } from 'kysely';
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

/** A UTF-16 surrogate without its pair: JSON carries it as an escape PostgreSQL refuses. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Values both engines store as given, whichever way the rows travel. */
function plainValue(value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  return value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * The columns of a part whose rows all have the same columns, with plain values only; undefined
 * otherwise. Such a part can skip Kysely's insert builder, which spent a tenth of a loaded server's
 * time turning each of a group's thousands of values into a node and back into text. The others
 * (a column some rows leave out, which must take its DEFAULT; a bigint, a Buffer, text with a lone
 * surrogate) go through it.
 */
function uniformColumns(part: Part): string[] | undefined {
  const columns = Object.keys(part.rows[0]!);
  for (const row of part.rows) {
    if (Object.keys(row).length !== columns.length) return undefined;
    for (const column of columns) {
      if (!Object.hasOwn(row, column) || !plainValue((row as Record<string, unknown>)[column])) return undefined;
    }
  }
  return columns;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * SQLite: the multi-row insert as its text and a flat list of values, written directly. Its text
 * depends only on the columns and the number of rows, so the connection's statement cache serves
 * it again for groups of the same size.
 */
function valuesInsert(part: Part, columns: readonly string[]): CompiledQuery {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const parameters: unknown[] = [];
  for (const values of part.rows as readonly Record<string, unknown>[]) for (const column of columns) parameters.push(values[column]);
  return CompiledQuery.raw(`insert into ${quoted(part.table)} (${columns.map(quoted).join(', ')}) values ${Array.from(part.rows, () => row).join(', ')}`, parameters);
}

/**
 * PostgreSQL: the rows as one JSON parameter that the table's own row type reads
 * (json_populate_recordset), instead of one parameter per value: the statement's text is the same
 * whatever the number of rows, so the server prepares it once and then only binds and executes it.
 * A group of registrations sent thousands of parameters in a text of its own, which PostgreSQL parsed
 * and planned for that one execution. (SQLite, in-process, binds values
 * cheaply; unpacking JSON there with json_each cost more than it saved.) Plain values round-trip
 * through JSON exactly.
 */
function jsonInsert(part: Part, columns: readonly string[]): RawBuilder<unknown> {
  const table = sql.table(part.table);
  const list = sql.join(columns.map((column) => sql.id(column)));
  return sql`insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, ${JSON.stringify(part.rows)})`;
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
  const builder = (part: Part) => q.insertInto(part.table).values(part.rows as never);
  if (dialect === 'sqlite') {
    for (const part of parts) {
      const columns = uniformColumns(part);
      await (columns ? q.executeQuery(valuesInsert(part, columns)) : builder(part).execute());
    }
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
  const insert = (part: Part) => {
    const columns = uniformColumns(part);
    return columns ? jsonInsert(part, columns) : builder(part);
  };
  for (const [n, statement] of statements.entries()) {
    const main: ClosingStatement | undefined = n === statements.length - 1 && closing ? closing : undefined;
    const clauses = main ? statement : statement.slice(0, -1);
    const last = main ?? insert(statement.at(-1)!);
    const withs: RawBuilder<unknown>[] = clauses.map((part, i) => sql`${sql.id(`part_${i}`)} as (${insert(part)})`);
    await (withs.length === 0 ? sql`${last}` : sql`with ${sql.join(withs)} ${last}`).execute(q);
  }
  if (statements.length === 0) await closing?.execute();
}
