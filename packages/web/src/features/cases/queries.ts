import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import type { AgeAssessmentView, CaseHistoryEntry, ConsularRecord, ErasureRequests, LegalHolds, MergedInto } from '@haven/core/schemas';
import type { Assessment, Assistance, Case, Guards, Obligation, Person, Referral, Screening } from './model';

/** What the case screens read of one person, each under its cache key. */
export const caseReads = {
  person: (personId: string) => apiQuery<Person>(queryKeys.personRecord(personId), `/api/persons/${personId}`),
  case: (personId: string) => apiQuery<Case>(queryKeys.personCase(personId), `/api/persons/${personId}/case`),
  history: (personId: string) => apiQuery<CaseHistoryEntry[]>(queryKeys.caseHistory(personId), `/api/persons/${personId}/case/history`),
  mergedInto: (personId: string) => apiQuery<MergedInto>(queryKeys.mergedInto(personId), `/api/persons/${personId}/merged-into`),
  screenings: (personId: string) => apiQuery<Screening[]>(queryKeys.screenings(personId), `/api/persons/${personId}/screenings`),
  obligations: (personId: string) => apiQuery<Obligation[]>(queryKeys.obligations(personId), `/api/persons/${personId}/obligations`),
  guards: (personId: string) => apiQuery<Guards>(queryKeys.guards(personId), `/api/persons/${personId}/guards`),
  assessment: (personId: string) => apiQuery<Assessment>(queryKeys.assessment(personId), `/api/persons/${personId}/assessment`),
  assistance: (personId: string) => apiQuery<Assistance[]>(queryKeys.assistance(personId), `/api/persons/${personId}/assistance`),
  ageAssessments: (personId: string) => apiQuery<AgeAssessmentView[]>(queryKeys.ageAssessments(personId), `/api/persons/${personId}/age-assessments`),
  consular: (personId: string) => apiQuery<ConsularRecord>(queryKeys.consularRecord(personId), `/api/persons/${personId}/consular`),
  referrals: (personId: string) => apiQuery<Referral[]>(queryKeys.personReferrals(personId), `/api/persons/${personId}/referrals`),
  erasureRequests: (personId: string) => apiQuery<ErasureRequests>(queryKeys.erasureRequests(personId), `/api/persons/${personId}/erasure-requests`),
  legalHolds: (personId: string) => apiQuery<LegalHolds>(queryKeys.legalHolds(personId), `/api/persons/${personId}/legal-holds`),
};
