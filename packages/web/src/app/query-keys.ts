/**
 * The cache keys of what screens read, one place for every feature: a change made on one screen
 * invalidates what another shows (a referral accepted in the provider's inbox is a status on the
 * officer's case). A key is a prefix of the keys under it, so `person(id)` reaches every record of
 * that person (after a merge) and `inbox()` every status filter of the inbox.
 */
export const queryKeys = {
  person: (personId: string) => ['person', personId] as const,
  personRecord: (personId: string) => ['person', personId, 'record'] as const,
  personCase: (personId: string) => ['person', personId, 'case'] as const,
  caseHistory: (personId: string) => ['person', personId, 'case', 'history'] as const,
  mergedInto: (personId: string) => ['person', personId, 'merged-into'] as const,
  duplicates: (personId: string) => ['person', personId, 'duplicates'] as const,
  screenings: (personId: string) => ['person', personId, 'screenings'] as const,
  obligations: (personId: string) => ['person', personId, 'obligations'] as const,
  guards: (personId: string) => ['person', personId, 'guards'] as const,
  assessment: (personId: string) => ['person', personId, 'assessment'] as const,
  assistance: (personId: string) => ['person', personId, 'assistance'] as const,
  /** The person's age assessments, each with its reviews and appeals. */
  ageAssessments: (personId: string) => ['person', personId, 'age-assessments'] as const,
  /** Detentions, consular rights explained, consular notifications, the profile's mandatory-notification rule. */
  consularRecord: (personId: string) => ['person', personId, 'consular'] as const,
  personReferrals: (personId: string) => ['person', personId, 'referrals'] as const,
  consents: (personId: string) => ['person', personId, 'consents'] as const,
  exports: () => ['exports'] as const,
  threshold: () => ['stats', 'threshold'] as const,
  auditEvents: (after: number) => ['audit', 'events', after] as const,
  personServiceGaps: (personId: string) => ['person', personId, 'service-gaps'] as const,
  erasureRequests: (personId: string) => ['person', personId, 'erasure-requests'] as const,
  legalHolds: (personId: string) => ['person', personId, 'legal-holds'] as const,
  personDocuments: (personId: string) => ['person', personId, 'documents'] as const,
  familyLinks: (personId: string) => ['person', personId, 'family-links'] as const,
  /** Persons of my scope found by a name (the family link form's search). */
  personSearch: (name?: string) => (name === undefined ? (['person-search'] as const) : (['person-search', name] as const)),
  /** The service gaps the agency recorded (the supervisor's list). */
  serviceGaps: () => ['service-gaps'] as const,

  referral: (referralId: string) => ['referral', referralId] as const,
  /** The directory's proposal is asked anew at each attempt: the directory and consents may have changed. */
  referralProposal: (personId: string, service: string, area: string, attempt: number) => ['referral-proposal', personId, service, area, attempt] as const,
  inbox: (status?: string) => (status === undefined ? (['referral-inbox'] as const) : (['referral-inbox', status] as const)),

  notifications: () => ['notifications'] as const,
  /** Link requests between agencies my agency made or must decide. */
  linkRequests: () => ['link-requests'] as const,

  users: () => ['admin', 'users'] as const,
  agencies: () => ['admin', 'agencies'] as const,
  accessChanges: () => ['admin', 'access-changes'] as const,
  roles: () => ['admin', 'roles'] as const,
  sopProfile: () => ['admin', 'sop-profile'] as const,
  conduct: () => ['conduct'] as const,
  mfaRoles: () => ['admin', 'mfa-roles'] as const,
  retentionReport: () => ['admin', 'retention'] as const,
  /** The caller's own API tokens. */
  apiTokens: () => ['account', 'tokens'] as const,
  providers: () => ['directory', 'providers'] as const,
  myProviders: () => ['directory', 'providers', 'mine'] as const,
  pathways: () => ['directory', 'pathways'] as const,
  servicePathways: (service: string) => ['directory', 'pathways', service] as const,

  /** The obligations of the caller's own cases (an officer's worklist). */
  myObligations: () => ['queue', 'my-obligations'] as const,
  /** A case list under a filter (`assigned=me`, `assigned=nobody`); without one, every list. */
  caseList: (filter?: string) => (filter === undefined ? (['cases'] as const) : (['cases', filter] as const)),
  /** The caller's agency's latest encounters, and one encounter's triage (a first responder's worklist). */
  encounterList: () => ['encounters'] as const,
  triage: (encounterId: string) => ['encounters', encounterId, 'triage'] as const,
  agencyObligations: (window?: string) => (window === undefined ? (['queue', 'agency-obligations'] as const) : (['queue', 'agency-obligations', window] as const)),
  openGuards: () => ['queue', 'open-guards'] as const,
  intakeQueue: () => ['queue', 'intake'] as const,
  assignableOfficers: () => ['agency', 'officers'] as const,
  oversightQueue: (limit?: number) => (limit === undefined ? (['oversight', 'queue'] as const) : (['oversight', 'queue', limit] as const)),
  allegations: (status?: string) => (status === undefined ? (['oversight', 'allegations'] as const) : (['oversight', 'allegations', status] as const)),
  allegation: (allegationId: string) => ['oversight', 'allegation', allegationId] as const,
  oversightLegalHolds: () => ['oversight', 'legal-holds'] as const,
  auditTrail: (recordType: string, recordId: string) => ['oversight', 'audit', recordType, recordId] as const,

  /** The self-assessment (items, answers, measures); its evidence and each item's history are under it. */
  selfAssessment: () => ['self-assessment'] as const,
  selfAssessmentEvidence: () => ['self-assessment', 'evidence'] as const,
  selfAssessmentHistory: (itemId: string) => ['self-assessment', 'items', itemId, 'answers'] as const,

  investigations: (status?: string) => (status === undefined ? (['investigations'] as const) : (['investigations', status] as const)),
  investigation: (investigationId: string) => ['investigation', investigationId] as const,
  /** The persons an investigator's agency sees, to choose victims and witnesses by name. */
  visiblePersons: () => ['persons', 'visible'] as const,
  personJustice: (personId: string) => ['person', personId, 'justice'] as const,
  /** Every agency's investigations not closed, to link a case's person to. */
  linkableInvestigations: () => ['investigations-linkable'] as const,
};

/** What the engine works out from a person's facts, read again whenever the facts change. */
const derivedFromFacts = (personId: string) => [
  queryKeys.obligations(personId),
  queryKeys.guards(personId),
  queryKeys.assessment(personId),
  queryKeys.agencyObligations(),
  queryKeys.openGuards(),
  queryKeys.myObligations(),
  queryKeys.caseList(),
];

/**
 * The keys a change makes stale: what it wrote and what the server derives from that. Only the
 * screens on view ask again; the rest are asked when next shown.
 */
export const staleAfter = {
  caseFactsChanged: (personId: string) => [queryKeys.personCase(personId), ...derivedFromFacts(personId)],
  /** The person's record edited: names show in lists and searches; age, sex, nationality change what is owed. */
  personEdited: (personId: string) => [queryKeys.personRecord(personId), queryKeys.personSearch(), queryKeys.duplicates(personId), ...derivedFromFacts(personId)],
  documentAdded: (personId: string) => [queryKeys.personDocuments(personId)],
  /** A link shows on both persons' records. */
  familyLinked: (personId: string, relatedPersonId: string) => [queryKeys.familyLinks(personId), queryKeys.familyLinks(relatedPersonId)],
  screeningSaved: (personId: string) => [queryKeys.screenings(personId), queryKeys.personCase(personId), ...derivedFromFacts(personId)],
  assistanceGiven: (personId: string) => [queryKeys.assistance(personId), ...derivedFromFacts(personId)],
  /** An age assessment, a challenge of it or its decision: the age the engine uses may change. */
  ageRecorded: (personId: string) => [queryKeys.ageAssessments(personId), ...derivedFromFacts(personId)],
  /** A detention or its end, consular rights explained (the choice is a fact of the case, the explanation assistance), or a notification sent. */
  consularRecorded: (personId: string) => [queryKeys.consularRecord(personId), queryKeys.personCase(personId), queryKeys.assistance(personId), ...derivedFromFacts(personId)],
  obligationWaived: (personId: string) => [...derivedFromFacts(personId), queryKeys.oversightQueue()],
  guardedActionRecorded: (personId: string) => [queryKeys.personCase(personId), ...derivedFromFacts(personId), queryKeys.oversightQueue()],
  /**
   * A justice record (an incident, a link, a measure, reachability) written from a case page or an
   * investigation page: both show it, and the engine follows links and incidents.
   */
  justiceRecorded: (personIds: readonly string[], investigationId?: string) => [
    ...(investigationId ? [queryKeys.investigation(investigationId)] : []),
    ...personIds.flatMap((personId) => [queryKeys.personJustice(personId), ...derivedFromFacts(personId)]),
  ],
  /**
   * An erasure request: carried out, it destroys the person's record (every read of the person is
   * stale); refused, it is one more line. The report counts both.
   */
  erasureRequested: (personId: string) => [queryKeys.person(personId), queryKeys.caseList(), queryKeys.retentionReport()],
  /** A legal hold placed or released: the holds, what an erasure request would meet, the counts. */
  legalHoldChanged: (personId: string) => [queryKeys.legalHolds(personId), queryKeys.erasureRequests(personId), queryKeys.oversightLegalHolds(), queryKeys.retentionReport()],
  /** A new code of conduct: every user, this one too, accepts it again. */
  conductPublished: () => [queryKeys.conduct()],
  /** Cases given to an officer: they leave the intake queue, their obligations go to the officer. */
  casesAssigned: (personIds: readonly string[]) => [queryKeys.intakeQueue(), queryKeys.assignableOfficers(), queryKeys.agencyObligations(), ...personIds.map((id) => queryKeys.personCase(id))],
  /** A referral sent or moved along its lifecycle (the referral itself is stored from the answer). */
  referralMoved: (personId: string) => [
    queryKeys.personReferrals(personId),
    queryKeys.consents(personId),
    queryKeys.inbox(),
    queryKeys.personCase(personId),
    ...derivedFromFacts(personId),
  ],
  /**
   * A merge or its undo moves records between two persons. What the engine derives is not asked
   * of a record merged away: asking would give it obligations again, which an undo trips over.
   */
  recordsMoved: (personId: string, { mergedAway }: { mergedAway: boolean }) => [
    queryKeys.personRecord(personId),
    queryKeys.personCase(personId),
    queryKeys.mergedInto(personId),
    queryKeys.duplicates(personId),
    queryKeys.screenings(personId),
    queryKeys.assistance(personId),
    queryKeys.consularRecord(personId),
    queryKeys.personReferrals(personId),
    ...(mergedAway ? [queryKeys.agencyObligations(), queryKeys.openGuards()] : derivedFromFacts(personId)),
  ],
  /** An answer is a new version: the item's status, the counts, the gaps and its history. */
  selfAssessmentAnswered: () => [queryKeys.selfAssessment()],
};
