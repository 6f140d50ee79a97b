// Request rules for POST /v1/streams/{streamName}/sessions (docs/api.md). The path and body are checked against
// the JSON Schemas generated from the zod schemas of schemas/session.ts (request-schemas.ts, `npm run schemas`),
// with zod's messages, so that no Lambda bundles zod; the rules between fields follow here.
import { checked, checkedBody } from './input';
import { SESSION_REQUEST_SCHEMA, STREAM_NAME_SCHEMA } from './request-schemas';
import type { SessionRequestBody } from './schemas/session';
import { BrokerError } from './errors';

export type { Session } from './schemas/session';

/** KVS accepts at most 24 hours between StartTimestamp and EndTimestamp. */
export const MAX_RANGE_MS = 24 * 60 * 60 * 1000;

export type FragmentSelectorType = SessionRequestBody['fragmentSelectorType'];

/**
 * A validated session request: the body with its defaults applied (the protocol's own defaults too), the
 * timestamps as epoch milliseconds, and the stream name from the path.
 */
export type SessionRequest = Omit<SessionRequestBody, 'startTimestamp' | 'endTimestamp'> & {
  streamName: string;
  startMs?: number;
  endMs?: number;
};

function invalid(field: string, message: string): BrokerError {
  return new BrokerError('INVALID_REQUEST', `${field}: ${message}`);
}

export function parseStreamName(value: unknown): string {
  return checked<string>(STREAM_NAME_SCHEMA, value, 'streamName');
}

/**
 * Validates a decoded JSON body (undefined for an empty one) for a stream. Throws INVALID_REQUEST naming the field.
 */
export function parseSessionRequest(streamName: unknown, body: unknown): SessionRequest {
  const name = parseStreamName(streamName);
  const b = checkedBody<SessionRequestBody>(SESSION_REQUEST_SCHEMA, body);

  if (b.protocol === 'DASH') {
    if (b.containerFormat !== undefined) throw invalid('containerFormat', 'only allowed with protocol HLS');
    if (b.discontinuityMode !== undefined)
      throw invalid('discontinuityMode', 'only allowed with protocol HLS');
  } else if (b.displayFragmentNumber !== undefined) {
    throw invalid('displayFragmentNumber', 'only allowed with protocol DASH');
  }

  const startMs = b.startTimestamp === undefined ? undefined : Date.parse(b.startTimestamp);
  const endMs = b.endTimestamp === undefined ? undefined : Date.parse(b.endTimestamp);
  if (b.playbackMode === 'LIVE') {
    if (startMs !== undefined) throw invalid('startTimestamp', 'not allowed with playbackMode LIVE');
    if (endMs !== undefined) throw invalid('endTimestamp', 'not allowed with playbackMode LIVE');
  } else {
    if (startMs === undefined)
      throw invalid('startTimestamp', `required with playbackMode ${b.playbackMode}`);
    if (endMs === undefined) {
      if (b.playbackMode === 'ON_DEMAND')
        throw invalid('endTimestamp', 'required with playbackMode ON_DEMAND');
    } else {
      if (endMs <= startMs) throw invalid('endTimestamp', 'must be after startTimestamp');
      if (endMs - startMs > MAX_RANGE_MS)
        throw invalid('endTimestamp', 'must be within 24 hours of startTimestamp');
    }
  }

  return {
    streamName: name,
    protocol: b.protocol,
    playbackMode: b.playbackMode,
    fragmentSelectorType: b.fragmentSelectorType,
    ...(startMs !== undefined ? { startMs } : {}),
    ...(endMs !== undefined ? { endMs } : {}),
    ...(b.expiresInSeconds !== undefined ? { expiresInSeconds: b.expiresInSeconds } : {}),
    ...(b.maxFragmentResults !== undefined ? { maxFragmentResults: b.maxFragmentResults } : {}),
    ...(b.viewerId !== undefined ? { viewerId: b.viewerId } : {}),
    displayFragmentTimestamp: b.displayFragmentTimestamp,
    ...(b.protocol === 'DASH' ? { displayFragmentNumber: b.displayFragmentNumber ?? 'NEVER' } : {}),
    ...(b.protocol === 'HLS'
      ? {
          containerFormat: b.containerFormat ?? 'FRAGMENTED_MP4',
          discontinuityMode: b.discontinuityMode ?? 'ALWAYS',
        }
      : {}),
  };
}
