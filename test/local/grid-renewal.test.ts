// The player page's live grid renews all its sessions in one request, a minute before the first expires.
import { describe, expect, it } from '@jest/globals';
import {
  GRID_RENEW_BEFORE_MS,
  GRID_RETRY_MS,
  gridRenewalDelayMs,
  gridRetryDelayMs,
} from '../../local/player/grid-renewal';
import { T0 } from '../support/clock';

const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

describe('grid renewal', () => {
  it.each([
    {
      name: 'a minute before the earliest of 300 s sessions',
      expiries: [at(300_000), at(290_000)],
      delay: 230_000,
    },
    { name: 'no sooner than 5 s from now, however close the expiry', expiries: [at(30_000)], delay: 5_000 },
    { name: 'not at all when nothing plays', expiries: [], delay: undefined },
  ])('renews $name', ({ expiries, delay }) => {
    expect(gridRenewalDelayMs(expiries, T0)).toBe(delay);
  });

  it('retries a failed renewal 10 s later while the sessions outlive the retry, and gives up after', () => {
    expect(GRID_RENEW_BEFORE_MS).toBe(60_000);
    expect(gridRetryDelayMs([at(GRID_RETRY_MS + 1)], T0)).toBe(GRID_RETRY_MS);
    expect(gridRetryDelayMs([at(GRID_RETRY_MS)], T0)).toBeUndefined();
    expect(gridRetryDelayMs([], T0)).toBeUndefined();
  });
});
