import { sql, type Kysely, type Migration } from 'kysely';

// The exact date of birth leaves plaintext: with sex, nationality and the encounter it narrows a
// person down to a handful in a leaked database file. What the statistics and the duplicate
// ranking read stays in plaintext in its least telling form: the year of birth, and the age in
// whole years at the encounter (computed here from the date, exactly as the indicators computed it
// from the date until now). The date itself is encrypted, and keyed for the ranking's equal-date
// test, by the persons feature when the server starts (a migration has no key): until then it
// stays in birth_date, which the partial index below finds at once, and is cleared there.
export const birthDateAtRest: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('persons').addColumn('birth_date_enc', 'text').execute();
    await db.schema.alterTable('persons').addColumn('birth_year', 'integer').execute();
    await db.schema.alterTable('persons').addColumn('birth_date_index', 'text').execute();
    await db.schema.alterTable('persons').addColumn('age_at_encounter', 'integer').execute();
    await sql`update persons set
        birth_year = cast(substr(birth_date, 1, 4) as integer),
        age_at_encounter = (
          select cast(substr(e.occurred_at, 1, 4) as integer) - cast(substr(persons.birth_date, 1, 4) as integer)
            - case when substr(e.occurred_at, 6, 5) < substr(persons.birth_date, 6, 5) then 1 else 0 end
          from encounters e where e.id = persons.encounter_id
        )
      where birth_date is not null`.execute(db);
    // The indicators' covering index held the plaintext date; it holds the age instead.
    await db.schema.dropIndex('stats_persons').execute();
    await db.schema
      .createIndex('stats_persons')
      .on('persons')
      .columns(['encounter_id', 'id', 'sex', 'nationality', 'age_at_encounter', 'age_claimed', 'accompaniment'])
      .execute();
    await db.schema
      .createIndex('persons_plaintext_birth_date')
      .on('persons')
      .column('id')
      .where(sql.ref('birth_date'), 'is not', null)
      .execute();
  },
};
