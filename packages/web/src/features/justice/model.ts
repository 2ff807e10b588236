import type {
  AggravatingCircumstance,
  IncidentKind,
  IncidentStatus,
  InvestigationKind,
  InvestigationStatus,
  ProtectionMeasureStatus,
  ProtectionMeasureType,
  SmugglingOffence,
} from '@haven/core';

export interface Investigation {
  id: string;
  reference: string;
  agencyId: string;
  kind: InvestigationKind;
  offence: SmugglingOffence;
  aggravating: AggravatingCircumstance[];
  status: InvestigationStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProtectionMeasure {
  id: string;
  justiceLinkId: string;
  type: ProtectionMeasureType;
  status: ProtectionMeasureStatus;
  notes: string | null;
  requestedAt: string;
  decidedAt: string | null;
  version: number;
}

export interface JusticeLink {
  id: string;
  personId: string;
  investigationId: string;
  role: 'victim' | 'witness';
  reachable: boolean;
  measures: ProtectionMeasure[];
  version: number;
  createdAt: string;
}

export interface Incident {
  id: string;
  kind: IncidentKind;
  personId: string | null;
  occurredAt: string | null;
  place: string | null;
  description: string | null;
  status: IncidentStatus;
  version: number;
}

export interface InvestigationDetail extends Investigation {
  links: JusticeLink[];
  incidents: Incident[];
}
