import { describe, expect, it } from 'vitest';
import { ApiProblem, NetworkUnavailable } from './api';
import { worthRetrying } from './query';

const problem = (status: number) => new ApiProblem(status, `http-${status}`, 'Problem', undefined, [], {});

describe('which failed reads are asked again', () => {
  it('does not ask again after a refusal or a missing record', () => {
    for (const status of [400, 401, 403, 404, 409, 422, 429]) expect(worthRetrying(0, problem(status))).toBe(false);
  });

  it('asks twice more after a server fault or a lost answer, then gives up', () => {
    for (const error of [problem(500), problem(503), new NetworkUnavailable()]) {
      expect([0, 1, 2].map((failures) => worthRetrying(failures, error))).toEqual([true, true, false]);
    }
  });
});
