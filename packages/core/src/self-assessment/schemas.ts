import { z } from 'zod';
import { calendarDateSchema, textSchema } from '../schemas/common.js';
import { SELF_ASSESSMENT_STATUSES } from './catalogue.js';

/**
 * A coordinator's answer to one item. Each answer is a new version; `previousVersion` names the
 * version it replaces (0 for the first answer), so two coordinators cannot overwrite each other
 * unknowingly.
 */
export const selfAssessmentAnswerInputSchema = z.strictObject({
  status: z.enum(SELF_ASSESSMENT_STATUSES),
  evidence: textSchema(5000).nullable().optional().describe('What shows the status: laws, SOPs, reports, figures'),
  responsibleBody: textSchema(300).nullable().optional().describe('The body responsible for the measure'),
  reviewDate: calendarDateSchema.nullable().optional().describe('When the answer is to be reviewed (YYYY-MM-DD)'),
  previousVersion: z.number().int().min(0).describe('The version this answer replaces; 0 for the first answer'),
});
export type SelfAssessmentAnswerInput = z.infer<typeof selfAssessmentAnswerInputSchema>;
