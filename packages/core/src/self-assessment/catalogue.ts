// The self-assessment catalogue (DOMAIN.md section 11): the items a national coordinator answers in
// the four areas of the UNODC International Framework for Action, each tied to the articles of the
// Protocol against the Smuggling of Migrants it implements (or to a good practice of the seed
// note, by paragraph) and to the UNODC tool of the seed's annex that helps close a gap. The wording
// is Haven's own; the articles are cited, not quoted.

export const SELF_ASSESSMENT_AREAS = ['prosecution', 'protection', 'prevention', 'cooperation'] as const;
export type SelfAssessmentArea = (typeof SELF_ASSESSMENT_AREAS)[number];

export const AREA_WORDS: Readonly<Record<SelfAssessmentArea, string>> = {
  prosecution: 'Prosecution and investigation',
  protection: 'Protection and assistance',
  prevention: 'Prevention',
  cooperation: 'Cooperation and coordination',
};

/** What the coordinator answers for an item. */
export const SELF_ASSESSMENT_STATUSES = ['in_place', 'partly', 'absent', 'not_applicable'] as const;
export type SelfAssessmentStatus = (typeof SELF_ASSESSMENT_STATUSES)[number];

export const STATUS_WORDS: Readonly<Record<SelfAssessmentStatus, string>> = {
  in_place: 'In place',
  partly: 'Partly in place',
  absent: 'Absent',
  not_applicable: 'Not applicable',
};

/** The tools of the seed's annex ("Key tools and recommended resources"). */
export const UNODC_TOOLS = {
  toolkit: {
    title: 'UNODC Toolkit to Combat Smuggling of Migrants',
    note: 'guidance and promising practices by theme; Tool 8 covers protection and assistance',
  },
  basic_training_manual: {
    title: 'UNODC Basic Training Manual on Investigating and Prosecuting the Smuggling of Migrants',
    note: 'modules for training criminal justice practitioners',
  },
  in_depth_training_manual: {
    title: 'UNODC In-depth Training Manual on Investigating and Prosecuting the Smuggling of Migrants',
    note: 'practical investigation and prosecution, for countries of origin, transit and destination',
  },
  framework_for_action: {
    title: 'UNODC International Framework for Action to Implement the Smuggling of Migrants Protocol',
    note: 'identifying and addressing gaps across prosecution, protection, prevention and cooperation',
  },
  model_law: {
    title: 'UNODC Model Law against the Smuggling of Migrants',
    note: 'model provisions on criminalization, protection and assistance, cooperation, the sea and return',
  },
} as const;
export type UnodcTool = keyof typeof UNODC_TOOLS;
export const UNODC_TOOL_IDS = Object.keys(UNODC_TOOLS) as UnodcTool[];

/**
 * Measures Haven computes from its own records, each a share (numerator over denominator). The
 * server computes them; the catalogue only names them and says how a share suggests a status.
 */
export const EVIDENCE_INDICATORS = {
  consular_rights_in_time: 'Detained persons informed of their consular rights by the deadline (consular.inform_rights fulfilled by its due time)',
  emergency_care_in_time: 'Medical emergencies given emergency care by the deadline (life.emergency_care)',
  basic_needs_in_time: 'Endangered persons given water, food or shelter by the deadline (assist.basic_needs)',
  violence_protection_in_time: 'Persons at risk of violence given a protection measure by the deadline (protect.from_violence)',
  child_protection_in_time: 'Children referred to child protection by the deadline (children.best_interests)',
  asylum_referral_in_time: 'Persons fearing return referred to the asylum procedure by the deadline (protection.asylum_referral)',
  trafficking_referral_in_time: 'Persons with trafficking indicators referred by the deadline (trafficking.referral)',
  rights_information_in_time: 'Persons informed of their rights in a language they understand by the deadline (info.rights)',
  incidents_investigated: 'Crimes against migrants linked to an investigation',
  witnesses_reachable: 'Victims and witnesses of smuggling investigations who remain reachable for proceedings',
  allegations_investigated: 'Complaints of failure to assist taken up by the oversight body (no longer merely received)',
  conduct_accepted: 'Active staff who accepted the standards of conduct in force',
} as const;
export type EvidenceIndicator = keyof typeof EVIDENCE_INDICATORS;
export const EVIDENCE_INDICATOR_IDS = Object.keys(EVIDENCE_INDICATORS) as EvidenceIndicator[];

/**
 * How a measured share suggests a status: at least `inPlace` → in place, at least `partly` → partly,
 * below → absent. Fewer than `minCases` measured cases suggest nothing (too few to judge, and a
 * small count could single people out).
 */
export interface EvidenceRule {
  indicator: EvidenceIndicator;
  inPlace: number;
  partly: number;
  minCases: number;
}

export interface SelfAssessmentItem {
  /** Stable id: area letter and number (`PR-03`); answers are stored against it. */
  id: string;
  area: SelfAssessmentArea;
  /** The question, answered by a status. */
  text: string;
  /** Articles of the Protocol (`art 16(5)`), or the seed's good practices (`seed 14`). */
  basis: readonly string[];
  /** The tool of the seed's annex recommended where the item is absent or partly in place. */
  tool: UnodcTool;
  evidence?: EvidenceRule;
}

/** Shares for "by the deadline" measures: the Protocol's obligations are owed to everyone. */
const deadlineRule = (indicator: EvidenceIndicator): EvidenceRule => ({ indicator, inPlace: 0.95, partly: 0.6, minCases: 11 });

export const SELF_ASSESSMENT_ITEMS: readonly SelfAssessmentItem[] = [
  // Prosecution and investigation
  { id: 'PR-01', area: 'prosecution', text: 'The smuggling of migrants and the related conduct of the Protocol (procuring, enabling irregular stay, fraudulent documents) are criminal offences in national law.', basis: ['art 6(1)', 'art 6(2)'], tool: 'model_law' },
  { id: 'PR-02', area: 'prosecution', text: 'Endangering the lives or safety of migrants, and inhuman or degrading treatment of them, are aggravating circumstances of smuggling offences.', basis: ['art 6(3)', 'seed 11'], tool: 'model_law' },
  { id: 'PR-03', area: 'prosecution', text: 'Violence and other crimes committed against smuggled migrants are investigated and prosecuted as crimes in their own right.', basis: ['art 16(2)', 'seed 11', 'seed 17'], tool: 'in_depth_training_manual', evidence: { indicator: 'incidents_investigated', inPlace: 0.9, partly: 0.5, minCases: 11 } },
  { id: 'PR-04', area: 'prosecution', text: 'Migrants are not made liable to criminal prosecution for the fact of having been the object of smuggling.', basis: ['art 5'], tool: 'model_law' },
  { id: 'PR-05', area: 'prosecution', text: 'Investigators, prosecutors and judges are trained to investigate and prosecute smuggling while respecting the rights of smuggled migrants.', basis: ['art 14(1)', 'art 14(2)'], tool: 'basic_training_manual' },
  { id: 'PR-06', area: 'prosecution', text: 'Smuggled migrants who are victims or witnesses can remain involved in the criminal justice process, with protection as witnesses.', basis: ['art 16(2)', 'seed 15', 'seed 18'], tool: 'in_depth_training_manual', evidence: { indicator: 'witnesses_reachable', inPlace: 0.9, partly: 0.6, minCases: 11 } },

  // Protection and assistance
  { id: 'PT-01', area: 'protection', text: 'Everyone met in a smuggling situation receives emergency medical care, whatever their migration status.', basis: ['art 16(1)', 'seed 10', 'seed 13'], tool: 'toolkit', evidence: deadlineRule('emergency_care_in_time') },
  { id: 'PT-02', area: 'protection', text: 'Smuggled migrants are protected against violence by individuals or groups, including retaliation by smugglers.', basis: ['art 16(2)', 'seed 11'], tool: 'toolkit', evidence: deadlineRule('violence_protection_in_time') },
  { id: 'PT-03', area: 'protection', text: 'Migrants whose lives or safety are endangered by the smuggling receive appropriate assistance: food, water, shelter, medical care, physical security, consular access and legal advice.', basis: ['art 16(3)', 'seed 12', 'seed 13'], tool: 'toolkit', evidence: deadlineRule('basic_needs_in_time') },
  { id: 'PT-04', area: 'protection', text: 'The special needs of women and children are taken into account, with children referred to child protection and never detained for migration reasons.', basis: ['art 16(4)'], tool: 'toolkit', evidence: deadlineRule('child_protection_in_time') },
  { id: 'PT-05', area: 'protection', text: 'Detained smuggled migrants are informed without delay of their right to consular notification and communication, and the consulate is notified when they ask.', basis: ['art 16(5)', 'seed 7'], tool: 'toolkit', evidence: deadlineRule('consular_rights_in_time') },
  { id: 'PT-06', area: 'protection', text: 'Refugees and asylum-seekers among smuggled migrants can reach the asylum procedure and are never returned to persecution.', basis: ['art 19(1)', 'seed 8', 'seed 16'], tool: 'toolkit', evidence: deadlineRule('asylum_referral_in_time') },
  { id: 'PT-07', area: 'protection', text: 'Smuggled migrants are not treated less favourably because they were smuggled.', basis: ['art 19(2)', 'seed 9'], tool: 'framework_for_action' },
  { id: 'PT-08', area: 'protection', text: 'A referral mechanism sends refugees, asylum-seekers, victims of trafficking and victims of crime to the services and procedures they are entitled to.', basis: ['art 16', 'art 19(1)', 'seed 18'], tool: 'framework_for_action', evidence: deadlineRule('trafficking_referral_in_time') },
  { id: 'PT-09', area: 'protection', text: 'Standard operating procedures govern assistance to migrants whose lives or safety are in danger.', basis: ['art 16(3)', 'seed 14'], tool: 'toolkit' },
  { id: 'PT-10', area: 'protection', text: 'Officials who deal with smuggling situations are bound by standards of conduct.', basis: ['art 16', 'seed 14'], tool: 'toolkit', evidence: { indicator: 'conduct_accepted', inPlace: 0.95, partly: 0.5, minCases: 1 } },
  { id: 'PT-11', area: 'protection', text: 'Adequate resources are allocated to assisting smuggled migrants.', basis: ['art 16(3)', 'seed 14'], tool: 'framework_for_action' },
  { id: 'PT-12', area: 'protection', text: 'Complaints that officials failed to assist smuggled migrants whose lives or safety were endangered are investigated.', basis: ['art 16(3)', 'seed 14'], tool: 'framework_for_action', evidence: { indicator: 'allegations_investigated', inPlace: 0.9, partly: 0.5, minCases: 5 } },
  { id: 'PT-13', area: 'protection', text: 'Smuggled migrants are informed of their rights in a language they understand, with interpretation.', basis: ['art 16', 'seed 12'], tool: 'model_law', evidence: deadlineRule('rights_information_in_time') },

  // Prevention
  { id: 'PV-01', area: 'prevention', text: 'Public information programmes explain that smuggling is a criminal activity of organized crime groups and the serious risks it poses to migrants.', basis: ['art 15(1)', 'art 15(2)'], tool: 'toolkit' },
  { id: 'PV-02', area: 'prevention', text: 'Development programmes address the socio-economic root causes of smuggling.', basis: ['art 15(3)'], tool: 'framework_for_action' },
  { id: 'PV-03', area: 'prevention', text: 'Border controls are strengthened to prevent and detect smuggling, with cooperation between border control agencies.', basis: ['art 11(1)', 'art 11(6)'], tool: 'toolkit' },
  { id: 'PV-04', area: 'prevention', text: 'Commercial carriers must check that passengers hold the travel documents required for entry.', basis: ['art 11(2)', 'art 11(3)', 'art 11(4)'], tool: 'model_law' },
  { id: 'PV-05', area: 'prevention', text: 'Officials are trained in preventing smuggling and in the humane treatment of migrants and respect for their rights.', basis: ['art 14(1)', 'art 14(2)'], tool: 'basic_training_manual' },

  // Cooperation and coordination
  { id: 'CO-01', area: 'cooperation', text: 'The State cooperates with others to prevent and suppress smuggling by sea, and requests or grants authorization to board suspected vessels.', basis: ['art 7', 'art 8'], tool: 'in_depth_training_manual' },
  { id: 'CO-02', area: 'cooperation', text: 'Measures taken against vessels at sea ensure the safety and humane treatment of the persons on board.', basis: ['art 9(1)'], tool: 'toolkit' },
  { id: 'CO-03', area: 'cooperation', text: 'Information on smuggling routes, methods, documents and good practice is exchanged with other States, with its confidentiality respected.', basis: ['art 10'], tool: 'framework_for_action' },
  { id: 'CO-04', area: 'cooperation', text: 'Bilateral or regional agreements strengthen cooperation against smuggling and the protection of smuggled migrants.', basis: ['art 17'], tool: 'model_law' },
  { id: 'CO-05', area: 'cooperation', text: 'Return of smuggled migrants is orderly, with due regard for their safety and dignity, and never in breach of non-refoulement.', basis: ['art 18', 'art 19(1)'], tool: 'model_law' },
  { id: 'CO-06', area: 'cooperation', text: 'The State gives and receives technical cooperation and training with other States and organizations.', basis: ['art 14(3)'], tool: 'framework_for_action' },
  { id: 'CO-07', area: 'cooperation', text: 'National agencies, service providers and civil society coordinate referrals and assistance to smuggled migrants.', basis: ['art 16', 'seed 18'], tool: 'framework_for_action' },
];

export const SELF_ASSESSMENT_ITEM_IDS: readonly string[] = SELF_ASSESSMENT_ITEMS.map((item) => item.id);

const BY_ID = new Map(SELF_ASSESSMENT_ITEMS.map((item) => [item.id, item]));

export function selfAssessmentItem(id: string): SelfAssessmentItem | undefined {
  return BY_ID.get(id);
}
