import type { LikelyDuplicate } from '@haven/core/schemas';
import { memo, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { screensFor } from '../../app/screens';
import { MatchesElsewhere } from '../../app/ui/match-elsewhere';
import { MatchReasons } from '../../app/ui/match-reasons';
import { useMe } from '../../app/session';
import type { RegisteredRecord } from '../../offline/outbox';
import { shortReference } from '../../app/reference';

/** A person just registered whose registration answer listed likely duplicates. */
export type PersonWithDuplicates = RegisteredRecord & { serverId: string; likelyDuplicates: LikelyDuplicate[] };

/** Likely duplicates the officer may see, or a likely match at an agency outside their scope. */
export function hasDuplicatesToShow(person: RegisteredRecord): person is PersonWithDuplicates {
  return Boolean(person.serverId && (person.likelyDuplicates?.length || person.likelyMatchesElsewhere?.length) && !person.duplicatesSeen);
}

/**
 * Notices shown at a time, the latest first: a boat of common names can flag hundreds, and the
 * next person's form must not wait for them to be drawn.
 */
const NOTICES_STEP = 10;

/**
 * Likely duplicates of the persons just registered, as the server's answer to their registration
 * listed them (at once online, or when a queued registration synced): who may be whom, how sure,
 * and why, with the two records to compare. The region is always there so the notices are read out
 * when they arrive, after the officer has moved on to the next person.
 */
export const DuplicateNotices = memo(function DuplicateNotices({ persons, onPutAway }: { persons: PersonWithDuplicates[]; onPutAway: (localIds: readonly string[]) => void }) {
  const { t } = useTranslation();
  const role = useMe().role;
  const [shown, setShown] = useState(NOTICES_STEP);
  // The record's screen is the case screen, which not every field role opens.
  const opensRecords = screensFor(role).some((screen) => screen.path === 'cases/:personId');
  const latest = persons.slice(-shown).reverse();
  return (
    <div aria-live="polite" data-testid="duplicate-notices" data-count={persons.length}>
      {persons.length > 0 ? (
        <section aria-labelledby="duplicates-title" className="alert alert-warning duplicate-notices">
          <h2 id="duplicates-title" className="alert-title">
            {t('firstResponse.duplicates.title', { count: persons.length })}
          </h2>
          <p>{t('firstResponse.duplicates.explain')}</p>
          <ul className="duplicate-list">
            {latest.map((person) => (
              <DuplicateNotice key={person.localId} person={person} opensRecords={opensRecords} onPutAway={onPutAway} />
            ))}
          </ul>
          <p className="duplicate-actions">
            {latest.length < persons.length ? (
              <Button className="button" onPress={() => setShown((count) => count + NOTICES_STEP)} data-testid="duplicate-more">
                {t('firstResponse.duplicates.more', { shown: latest.length, total: persons.length })}
              </Button>
            ) : null}
            {persons.length > 1 ? (
              <Button className="button" onPress={() => onPutAway(persons.map((person) => person.localId))} data-testid="duplicate-put-away-all">
                {t('firstResponse.duplicates.putAwayAll')}
              </Button>
            ) : null}
          </p>
        </section>
      ) : null}
    </div>
  );
});

function RecordLink({ personId, label, opensRecords, testId }: { personId: string; label: string; opensRecords: boolean; testId: string }) {
  const { t } = useTranslation();
  // The end of the id: ids are time-ordered, so persons registered together share their start.
  const reference = t('firstResponse.duplicates.reference', { id: shortReference(personId) });
  return opensRecords ? (
    <Link to={`/cases/${personId}`} data-testid={testId}>
      {label} ({reference})
    </Link>
  ) : (
    <span data-testid={testId}>
      {label} ({reference})
    </span>
  );
}

function DuplicateNotice({ person, opensRecords, onPutAway }: { person: PersonWithDuplicates; opensRecords: boolean; onPutAway: (localIds: readonly string[]) => void }) {
  const { t, i18n } = useTranslation();
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent' });
  const name = [person.givenName, person.familyName].filter(Boolean).join(' ') || t('firstResponse.duplicates.unnamed');
  const unlisted = (person.likelyDuplicatesCount ?? person.likelyDuplicates.length) - person.likelyDuplicates.length;
  return (
    <li data-testid="duplicate-notice" data-person-id={person.serverId}>
      <p>
        <strong>{t('firstResponse.duplicates.notice', { name, count: person.likelyDuplicates.length })}</strong>
      </p>
      <ul>
        {person.likelyDuplicates.map((duplicate) => (
          <li key={duplicate.personId} data-testid="duplicate-candidate" data-person-id={duplicate.personId}>
            <p>
              {t('firstResponse.duplicates.likely', { score: percent.format(duplicate.score) })}{' '}
              <RecordLink personId={person.serverId} label={t('firstResponse.duplicates.justRegistered')} opensRecords={opensRecords} testId="duplicate-registered-link" />
              {' · '}
              <RecordLink personId={duplicate.personId} label={t('firstResponse.duplicates.stored')} opensRecords={opensRecords} testId="duplicate-stored-link" />
            </p>
            <MatchReasons duplicate={duplicate} />
          </li>
        ))}
      </ul>
      <MatchesElsewhere personId={person.serverId} matches={person.likelyMatchesElsewhere} />
      {unlisted > 0 ? <p data-testid="duplicate-unlisted">{t('firstResponse.duplicates.unlisted', { count: unlisted })}</p> : null}
      <Button className="button" onPress={() => onPutAway([person.localId])} data-testid="duplicate-put-away">
        {t('firstResponse.duplicates.putAway')}
      </Button>
    </li>
  );
}
