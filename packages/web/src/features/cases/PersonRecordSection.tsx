import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { queryClient, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { screensFor } from '../../app/screens';
import { useMe } from '../../app/session';
import { FamilyLinks } from './FamilyLinks';
import type { Person } from './model';
import { PersonDocuments } from './PersonDocuments';
import { PersonEditForm } from './PersonEditForm';
import { PersonFacts } from './PersonFacts';

/**
 * The person's record: names in their own script with transliterations and aliases, languages,
 * nationality, and the rest the caller's groups show; the edit form (on the version read), the
 * identity documents and the family links. Documents and links are identity data: shown only to
 * a caller the record was answered with the identity group, and changed only by one who may write.
 */
export function PersonRecordSection({ person, mayEdit }: { person: Person | undefined; mayEdit: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (!person) return null;
  const identity = person.fieldGroups.includes('identity');
  const writes = mayEdit && me.permissions.includes('person:write');
  const editable = writes && (identity || person.fieldGroups.includes('contact'));
  const caseLinks = screensFor(me.role).some((screen) => screen.path === 'cases');
  const onSaved = (updated: Person) => {
    queryClient.setQueryData(queryKeys.personRecord(person.id), updated);
    void invalidate(...staleAfter.personEdited(person.id));
    setEditing(false);
    setSaved(true);
  };
  return (
    <section aria-labelledby="person-record-title" className="person-record">
      <h2 id="person-record-title">{t('cases.person.title')}</h2>
      {editing ? (
        <PersonEditForm person={person} onSaved={onSaved} onCancel={() => setEditing(false)} />
      ) : (
        <>
          <PersonFacts fields={person.fields} testId="person-facts" />
          {saved ? (
            <p role="status" className="alert alert-ok">
              {t('cases.person.saved', { version: person.version })}
            </p>
          ) : null}
          {editable ? (
            <Button
              className="button"
              data-testid="edit-person"
              onPress={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              {t('cases.person.edit')}
            </Button>
          ) : null}
        </>
      )}
      {identity ? (
        <>
          <PersonDocuments personId={person.id} mayAdd={writes} />
          <FamilyLinks personId={person.id} mayAdd={writes} caseLinks={caseLinks} />
        </>
      ) : null}
    </section>
  );
}
