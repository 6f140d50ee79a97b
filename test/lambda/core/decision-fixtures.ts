// Shared by the session decision tests (decision.test.ts, decision-edges.test.ts): a fixed now, the limits, a LIVE
// DASH request and a grant on both protocols.
import type { Grant } from '../../../lambda/core/grants';
import type { SessionRequest } from '../../../lambda/core/request';

export const NOW = Date.parse('2026-11-25T10:00:00Z');
export const NOW_S = NOW / 1000;
export const HOUR = 3600_000;
export const limits = { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 };

export const live = (streamName: string, extra: Partial<SessionRequest> = {}): SessionRequest => ({
  streamName,
  protocol: 'DASH',
  playbackMode: 'LIVE',
  fragmentSelectorType: 'SERVER_TIMESTAMP',
  displayFragmentTimestamp: 'NEVER',
  displayFragmentNumber: 'NEVER',
  ...extra,
});
/** A grant on `stream`, LIVE only unless `extra` says otherwise. */
export const grant = (stream: string, extra: Partial<Grant> = {}): Grant => ({
  stream,
  modes: ['LIVE'],
  protocols: ['DASH', 'HLS'],
  ...extra,
});
