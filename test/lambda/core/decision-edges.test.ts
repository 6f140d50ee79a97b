// The edges of the session decision (docs/tokens.md) and the 403 messages it leads to (docs/api.md), stated beside
// decision.test.ts.
import { describe, expect, it } from '@jest/globals';
import { decide, forbidden, type DenyReason } from '../../../lambda/core/decision';
import type { Grant } from '../../../lambda/core/grants';
import { HOUR, NOW, NOW_S, grant as baseGrant, limits, live } from './decision-fixtures';

// Grants here hold LIVE_REPLAY too, so a window's edges are reached by open-ended replays.
const grant = (stream: string, extra: Partial<Grant> = {}): Grant =>
  baseGrant(stream, { modes: ['LIVE', 'LIVE_REPLAY'], ...extra });

describe('decide at its edges', () => {
  it('refuses an open-ended LIVE_REPLAY under a window that opens later, even from a start inside it', () => {
    // An open-ended session reaches live media from now on, and now is before the window.
    const grants = [grant('cam-1', { from: NOW_S + 3600, to: NOW_S + 7200 })];
    const request = live('cam-1', { playbackMode: 'LIVE_REPLAY', startMs: NOW + HOUR + 60_000 });
    expect(decide(grants, request, NOW, limits)).toEqual({ allowed: false, reason: 'OUTSIDE_WINDOW' });
  });

  it('does not cap at the token with capAtTokenExpiry when the token has no exp', () => {
    const capped = { ...limits, capAtTokenExpiry: true };
    expect(decide([grant('cam-1')], live('cam-1', { expiresInSeconds: 1800 }), NOW, capped)).toMatchObject({
      allowed: true,
      expiresInSeconds: 1800,
      expiresAtMs: NOW + 1800_000,
    });
  });

  it('of two grants giving the same session, reports the first in the token', () => {
    const exact = grant('cam-1');
    const prefix = grant('cam-*');
    for (const grants of [
      [exact, prefix],
      [prefix, exact],
    ]) {
      expect(decide(grants, live('cam-1', { expiresInSeconds: 900 }), NOW, limits)).toEqual({
        allowed: true,
        grant: grants[0],
        expiresInSeconds: 900,
        expiresAtMs: NOW + 900_000,
      });
    }
  });
});

describe('forbidden: the 403 message for each reason names only the request and what the token lacks', () => {
  const request = live('cam-1', { protocol: 'HLS', playbackMode: 'ON_DEMAND' });
  it.each<[DenyReason, string]>([
    ['STREAM_NOT_SERVED', 'This broker does not serve stream cam-1'],
    ['NO_GRANT_FOR_STREAM', 'Your token grants no access to stream cam-1'],
    ['MODE_NOT_GRANTED', 'Your token does not grant playbackMode ON_DEMAND on stream cam-1'],
    ['PROTOCOL_NOT_GRANTED', 'Your token does not grant protocol HLS on stream cam-1'],
    [
      'SELECTOR_NOT_GRANTED',
      'Your token grants a media time window on stream cam-1: use fragmentSelectorType SERVER_TIMESTAMP',
    ],
    ['OUTSIDE_WINDOW', 'The requested media time is outside the window your token grants on stream cam-1'],
  ])('%s: %s', (reason, message) => {
    const error = forbidden(reason, request);
    expect({ code: error.code, status: error.status, message: error.message, detail: error.detail }).toEqual({
      code: 'FORBIDDEN',
      status: 403,
      message,
      detail: reason,
    });
  });
});
