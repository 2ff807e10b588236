import { REFERRAL_LIFECYCLE_STATUSES, type ReferralLifecycleStatus } from '@haven/core';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../platform/http/problem.js';
import { ACTION_TARGET, allowedActions, ENDED_STATUSES, REFERRAL_ACTIONS, REFERRAL_TRANSITIONS, transitionOrThrow, type ReferralSide } from './lifecycle.js';

// The referral lifecycle table, as data.

const ALL_SIDES = new Set<ReferralSide>(['sender', 'supervisor', 'recipient']);

function reachable(): Set<ReferralLifecycleStatus> {
  const seen = new Set<ReferralLifecycleStatus>(['draft']);
  const queue: ReferralLifecycleStatus[] = ['draft'];
  while (queue.length > 0) {
    for (const step of Object.values(REFERRAL_TRANSITIONS[queue.shift()!])) {
      if (step && !seen.has(step.to)) {
        seen.add(step.to);
        queue.push(step.to);
      }
    }
  }
  return seen;
}

describe('the referral lifecycle', () => {
  it('reaches every status from a draft, and each action leads where its name says', () => {
    expect([...reachable()].sort()).toEqual([...REFERRAL_LIFECYCLE_STATUSES].sort());
    for (const transitions of Object.values(REFERRAL_TRANSITIONS)) {
      for (const [action, step] of Object.entries(transitions)) expect(step!.to).toBe(ACTION_TARGET[action as keyof typeof ACTION_TARGET]);
    }
  });

  it('ends declined, closed and revoked referrals for good', () => {
    for (const status of ENDED_STATUSES) expect(allowedActions(status, ALL_SIDES)).toEqual([]);
  });

  it('lets the recipient accept or decline a sent referral, and the sender only close or its supervisor revoke it', () => {
    expect(allowedActions('sent', new Set(['recipient']))).toEqual(['accept', 'decline']);
    expect(allowedActions('sent', new Set(['sender']))).toEqual(['close']);
    expect(allowedActions('sent', new Set(['supervisor']))).toEqual(['revoke']);
    expect(allowedActions('draft', new Set(['recipient']))).toEqual([]);
  });

  it('revokes only by the supervisor, and only a referral that was sent and not yet completed or ended', () => {
    const revocable = REFERRAL_LIFECYCLE_STATUSES.filter((s) => REFERRAL_TRANSITIONS[s].revoke !== undefined);
    expect(revocable).toEqual(['sent', 'accepted', 'in_progress']);
    for (const status of revocable) expect(REFERRAL_TRANSITIONS[status].revoke!.by).toEqual(['supervisor']);
  });

  it('refuses what the table does not hold with 409 naming the current and requested status', () => {
    for (const status of REFERRAL_LIFECYCLE_STATUSES) {
      for (const action of REFERRAL_ACTIONS) {
        if (REFERRAL_TRANSITIONS[status][action]) continue;
        let thrown: unknown;
        try {
          transitionOrThrow(status, action, ALL_SIDES);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, `${status} → ${action}`).toBeInstanceOf(HttpProblem);
        expect((thrown as HttpProblem).status).toBe(409);
        expect((thrown as HttpProblem).extra).toMatchObject({ currentStatus: status, requestedStatus: ACTION_TARGET[action] });
      }
    }
    expect(transitionOrThrow('in_progress', 'complete', new Set(['recipient']))).toEqual({ to: 'completed', by: ['recipient'] });
  });
});
