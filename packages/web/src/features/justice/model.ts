// What the justice screens read: the server's answers, as core's response schemas declare them.
export type {
  IncidentView as Incident,
  InvestigationDetail,
  InvestigationView as Investigation,
  JusticeLinkView as JusticeLink,
  ProtectionMeasureView as ProtectionMeasure,
} from '@haven/core/schemas';
