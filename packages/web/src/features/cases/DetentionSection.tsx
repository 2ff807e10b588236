import type { ConsularRecord } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert, unlessForbidden } from '../../app/ui/problem';
import { usePendingChanges } from '../../offline/connectivity';
import { ConsularChoiceForm, ConsularRightsForm, NotificationForm } from './ConsularForms';
import { EndDetentionForm, RecordDetentionForm } from './DetentionForms';
import { obligationName, type Case, type CaseAsk, type Guards, type Obligation, type Person } from './model';
import { useDisplayNames } from './PersonFacts';
import { caseReads } from './queries';

const CONFIDENTIALITY = 'protection.confidentiality';

/** The detentions, the current one first: where, since when, on what basis, until when, recorded by whom. */
function DetentionList({ detentions }: { detentions: ConsularRecord['detentions'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (detentions.length === 0) return <p>{t('cases.detention.none')}</p>;
  return (
    <ul className="case-history" data-testid="detentions">
      {detentions.map((detention) => (
        <li key={detention.id} data-open={detention.until === null}>
          <strong>{detention.until === null ? t('cases.detention.current') : t('cases.detention.ended', { when: format.dateTime(detention.until) })}</strong> · {detention.place} ·{' '}
          {t('cases.detention.since')}: <time dateTime={detention.since}>{format.dateTime(detention.since)}</time> · {t('cases.detention.legalBasis')}: {detention.legalBasis}
          <p className="case-basis">{t('cases.detention.recordedBy', { name: detention.recordedBy ?? t('cases.detention.someone') })}</p>
        </li>
      ))}
    </ul>
  );
}

/** Each time consular rights were explained: when, in which language, by whom (a name). */
function RightsLog({ entries }: { entries: ConsularRecord['rightsExplained'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  if (entries.length === 0) return <p>{t('cases.detention.rights.none')}</p>;
  return (
    <ul className="case-history" data-testid="rights-explained">
      {entries.map((entry, index) => (
        <li key={`${entry.at}-${index}`}>
          {t('cases.detention.rights.entry', {
            when: format.dateTime(entry.at),
            language: entry.language ? names.language(entry.language) : t('cases.detention.rights.noLanguage'),
            name: entry.by ?? t('cases.detention.someone'),
          })}
        </li>
      ))}
    </ul>
  );
}

/** Each notification sent to the consular post: which post, when, how, recorded by whom (a name). */
function NotificationLog({ entries }: { entries: ConsularRecord['notifications'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (entries.length === 0) return <p>{t('cases.detention.notifications.none')}</p>;
  return (
    <ul className="case-history" data-testid="notifications-sent">
      {entries.map((entry) => (
        <li key={entry.id}>
          {t('cases.detention.notifications.entry', {
            post: entry.post,
            when: format.dateTime(entry.sentAt),
            channel: t(`cases.detention.channels.${entry.channel}`, { defaultValue: entry.channel }),
            name: entry.by ?? t('cases.detention.someone'),
          })}
        </li>
      ))}
    </ul>
  );
}

/**
 * The person's choice (notify the post or not), beside the confidentiality protection and the
 * mandatory-notification rule of the profile in force for their nationality, said in words.
 */
function ConsularChoice({ kase, nationality, record, obligations, mayManage, onChanged }: { kase: Case | undefined; nationality: string | undefined; record: ConsularRecord | undefined; obligations: Obligation[] | undefined; mayManage: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const protection = obligationName(t, CONFIDENTIALITY);
  const stands = obligations?.some((o) => o.code === CONFIDENTIALITY && (o.status === 'open' || o.status === 'overdue'));
  const profile = record?.profile;
  const known = nationality && nationality !== 'unknown' && nationality !== 'stateless';
  const rule = !profile ? undefined : !known ? 'noNationality' : profile.mandatoryNotification.includes(nationality) ? 'mandatory' : 'notMandatory';
  return (
    <div className="case-consular-choice" data-testid="consular-choice">
      <h3>{t('cases.detention.choice.title')}</h3>
      {kase ? <p data-testid="choice-now"><strong>{t('cases.detention.choice.now', { choice: t(`cases.consularChoices.${kase.consular}`) })}</strong></p> : null}
      {stands === undefined ? null : (
        <p data-testid="choice-confidentiality" data-stands={stands}>
          {t(stands ? 'cases.detention.choice.protectionStands' : 'cases.detention.choice.protectionDoesNotStand', { protection })}
        </p>
      )}
      {rule && profile ? (
        <p data-testid="choice-mandatory" data-rule={rule}>
          {t(`cases.detention.choice.${rule}`, { nationality: known ? names.nationality(nationality) : '', profile: profile.name, protection })}
        </p>
      ) : null}
      {kase && mayManage ? <ConsularChoiceForm kase={kase} onChanged={onChanged} /> : null}
    </div>
  );
}

/** After the device's outbox sent something (its count went down), what the server holds is read again. */
function useReadAgainAfterSync(onSynced: () => void): void {
  const pending = usePendingChanges();
  const before = useRef(pending);
  const synced = useRef(onSynced);
  useEffect(() => {
    synced.current = onSynced;
  });
  useEffect(() => {
    if (pending < before.current) synced.current();
    before.current = pending;
  }, [pending]);
}

export interface DetentionSectionProps {
  personId: string;
  person: Person | undefined;
  kase: Case | undefined;
  obligations: Obligation[] | undefined;
  guards: Guards | undefined;
  /** Asked from the to-do list: the end of the detention, or the notification to the consular post. */
  askedEnd?: CaseAsk | undefined;
  askedNotification?: CaseAsk | undefined;
  onChange: () => void;
}

/**
 * Detention and consular rights on the case page: the detentions and their end, consular rights
 * explained, the person's choice beside the protections and the profile's rule, and the
 * notification sent to the post. A first responder records the first three (offline too).
 */
export function DetentionSection({ personId, person, kase, obligations, guards, askedEnd, askedNotification, onChange }: DetentionSectionProps) {
  const { t } = useTranslation();
  const permissions = useMe().permissions;
  const record = useQuery(caseReads.consular(personId));
  const mayRecord = permissions.includes('detention:record');
  const mayManage = permissions.includes('case:manage');
  useReadAgainAfterSync(onChange);
  const open = record.data?.detentions.find((detention) => detention.until === null);
  const [endError, setEndError] = useState<unknown>();
  return (
    <section aria-labelledby="detention-title" data-testid="detention-section">
      <h2 id="detention-title">{t('cases.detention.title')}</h2>
      <ProblemAlert error={unlessForbidden(record.error)} />
      {record.data === undefined && !record.error ? <p role="status">{t('cases.detention.loading')}</p> : null}
      <h3>{t('cases.detention.detentions')}</h3>
      {record.data ? <DetentionList detentions={record.data.detentions} /> : null}
      {mayRecord && open ? <EndDetentionForm key={open.id} personId={personId} detention={open} asked={askedEnd} error={endError} setError={setEndError} onSaved={onChange} /> : null}
      {open ? null : <ProblemAlert error={endError} />}
      {mayRecord && !open ? <RecordDetentionForm personId={personId} onSaved={onChange} /> : null}
      <h3>{t('cases.detention.rights.title')}</h3>
      {record.data ? <RightsLog entries={record.data.rightsExplained} /> : null}
      {mayRecord ? <ConsularRightsForm personId={personId} languages={person?.fields.languages ?? []} onSaved={onChange} /> : null}
      <ConsularChoice kase={kase} nationality={person?.fields.nationality} record={record.data} obligations={obligations} mayManage={mayManage} onChanged={onChange} />
      <h3>{t('cases.detention.notifications.title')}</h3>
      {record.data ? <NotificationLog entries={record.data.notifications} /> : null}
      {mayManage ? <NotificationForm personId={personId} guard={guards?.share_with_origin_state} asked={askedNotification} onSaved={onChange} /> : <p className="case-basis">{t('cases.detention.notifications.managersOnly')}</p>}
    </section>
  );
}
