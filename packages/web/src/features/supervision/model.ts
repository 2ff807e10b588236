/** An obligation as the queues and the waiver route return it. */
export type { ObligationView as Obligation } from '@haven/core/schemas';

export type { OversightDecision, OversightItem } from '@haven/core/schemas';

/** The minimum a reason must say (the server's rule for waivers and overrides). */
export const MIN_REASON = 10;

/** A short, stable label for a case when the screen shows no name: the first block of its id. */
export { shortReference as caseLabel } from '../../app/reference';
