import type { LikelyMatchElsewhere, LinkRequestKind, LinkRequestView } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../api';
import { invalidate } from '../query';
import { queryKeys } from '../query-keys';
import { useMe } from '../session';
import { ChoiceField } from './fields';
import { ProblemAlert } from './problem';

// Likely matches outside the reader's scope, where a registration or a case shows likely
// duplicates (the first-response notices, the case page): their strings load at start.

/** A request for a record merged away since names the agency holding the survivor: said in words. */
export function RequestProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiProblem && error.code === 'link-target-merged') {
    const agency = typeof error.body.agencyName === 'string' ? error.body.agencyName : t('app.matchElsewhere.anotherAgency');
    return (
      <div role="alert" className="alert alert-error" data-testid="link-target-merged">
        {t('app.matchElsewhere.targetMerged', { agency })}
      </div>
    );
  }
  return <ProblemAlert error={error} />;
}

const askSchema = z.object({ kind: z.enum(['link', 'take_over']) });

/**
 * One likely match at an agency outside the reader's scope: that it exists and where, never what
 * it holds; the reader asks that agency to link the records or take this one over, and it decides.
 */
function MatchElsewhere({ personId, match, mayAsk }: { personId: string; match: LikelyMatchElsewhere; mayAsk: boolean }) {
  const { t } = useTranslation();
  const [sent, setSent] = useState<LinkRequestView>();
  const [error, setError] = useState<unknown>();
  const form = useForm<{ kind: LinkRequestKind }>({ resolver: zodResolver(askSchema), defaultValues: { kind: 'link' } });
  const agency = match.agencyName;
  const ask = form.handleSubmit(async ({ kind }) => {
    setError(undefined);
    try {
      setSent(await api<LinkRequestView>('POST', `/api/persons/${personId}/link-requests`, { reference: match.reference, kind }));
      void invalidate(queryKeys.linkRequests());
    } catch (failure) {
      setError(failure);
    }
  });
  return (
    <li className="case-obligation" data-testid="match-elsewhere" data-agency-id={match.agencyId}>
      <p>
        <strong>{t('app.matchElsewhere.elsewhere', { agency })}</strong>
      </p>
      <p>{t('app.matchElsewhere.elsewhereExplain', { agency })}</p>
      {sent ? (
        <p role="status" className="alert alert-ok" data-testid="link-request-sent">
          {t('app.matchElsewhere.sent', { agency })}
        </p>
      ) : mayAsk ? (
        <details className="case-panel" data-testid="ask-agency">
          <summary>{t('app.matchElsewhere.ask', { agency })}</summary>
          <Form onSubmit={(event) => void ask(event)} validationBehavior="aria">
            <ChoiceField
              control={form.control}
              name="kind"
              label={t('app.matchElsewhere.what')}
              options={[
                { value: 'link', label: t('app.matchElsewhere.kinds.link', { agency }) },
                { value: 'take_over', label: t('app.matchElsewhere.kinds.take_over', { agency }) },
              ]}
            />
            <RequestProblem error={error} />
            <Button type="submit" className="button" data-testid="send-link-request" isDisabled={form.formState.isSubmitting}>
              {t('app.matchElsewhere.send', { agency })}
            </Button>
          </Form>
        </details>
      ) : null}
    </li>
  );
}

/** Likely matches of this person at agencies outside the reader's scope, as the duplicates answer listed them. */
export function MatchesElsewhere({ personId, matches }: { personId: string; matches: readonly LikelyMatchElsewhere[] | undefined }) {
  const mayAsk = useMe().permissions.includes('person:write');
  if (!matches || matches.length === 0) return null;
  return (
    <ul className="case-obligations" data-testid="matches-elsewhere">
      {matches.map((match) => (
        <MatchElsewhere key={match.agencyId} personId={personId} match={match} mayAsk={mayAsk} />
      ))}
    </ul>
  );
}

