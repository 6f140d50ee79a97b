// Request rules for POST /v1/streams/{streamName}/sessions (DESIGN section 2): one schema, strict.
import * as z from 'zod';
import {
  KVS_MAX_EXPIRES_SECONDS,
  KVS_MIN_EXPIRES_SECONDS,
  PLAYBACK_MODES,
  PROTOCOLS,
  STREAM_NAME,
  type PlaybackMode,
  type Protocol,
} from './config';
import { BrokerError } from './errors';

/** KVS accepts at most 24 hours between StartTimestamp and EndTimestamp. */
export const MAX_RANGE_MS = 24 * 60 * 60 * 1000;

const isoWithZone = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

export const sessionRequestBodySchema = z
  .strictObject({
    protocol: z.enum(PROTOCOLS).default('DASH'),
    playbackMode: z.enum(PLAYBACK_MODES).default('LIVE'),
    fragmentSelectorType: z.enum(['SERVER_TIMESTAMP', 'PRODUCER_TIMESTAMP']).default('SERVER_TIMESTAMP'),
    startTimestamp: isoWithZone.optional(),
    endTimestamp: isoWithZone.optional(),
    expiresInSeconds: z.number().int().min(KVS_MIN_EXPIRES_SECONDS).max(KVS_MAX_EXPIRES_SECONDS).optional(),
    maxFragmentResults: z.number().int().min(1).max(5000).optional(),
    displayFragmentTimestamp: z.enum(['ALWAYS', 'NEVER']).default('NEVER'),
    displayFragmentNumber: z.enum(['ALWAYS', 'NEVER']).optional(),
    containerFormat: z.enum(['FRAGMENTED_MP4', 'MPEG_TS']).optional(),
    discontinuityMode: z.enum(['ALWAYS', 'NEVER', 'ON_DISCONTINUITY']).optional(),
  })
  .meta({ id: 'SessionRequest', description: 'Body of POST /v1/streams/{streamName}/sessions' });

export type FragmentSelectorType = 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP';

/** A validated session request, with defaults applied and timestamps as epoch milliseconds. */
export interface SessionRequest {
  streamName: string;
  protocol: Protocol;
  playbackMode: PlaybackMode;
  fragmentSelectorType: FragmentSelectorType;
  startMs?: number;
  endMs?: number;
  expiresInSeconds?: number;
  maxFragmentResults?: number;
  displayFragmentTimestamp: 'ALWAYS' | 'NEVER';
  /** DASH only. */
  displayFragmentNumber?: 'ALWAYS' | 'NEVER';
  /** HLS only. */
  containerFormat?: 'FRAGMENTED_MP4' | 'MPEG_TS';
  /** HLS only. */
  discontinuityMode?: 'ALWAYS' | 'NEVER' | 'ON_DISCONTINUITY';
}

function invalid(field: string, message: string): BrokerError {
  return new BrokerError('INVALID_REQUEST', `${field}: ${message}`);
}

export function parseStreamName(value: unknown): string {
  if (typeof value !== 'string' || !STREAM_NAME.test(value)) {
    throw invalid('streamName', 'must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -');
  }
  return value;
}

/**
 * Validates a decoded JSON body (undefined for an empty one) for a stream. Throws INVALID_REQUEST naming the field.
 */
export function parseSessionRequest(streamName: unknown, body: unknown): SessionRequest {
  const name = parseStreamName(streamName);
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw invalid('body', 'must be a JSON object');
  }
  const result = sessionRequestBodySchema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      throw invalid(issue.keys.join(', '), 'unknown field');
    }
    const field = issue.path.map(String).join('.') || 'body';
    throw invalid(field, issue.message);
  }
  const b = result.data;

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
    if (b.playbackMode === 'ON_DEMAND' && endMs === undefined) {
      throw invalid('endTimestamp', 'required with playbackMode ON_DEMAND');
    }
    if (endMs !== undefined) {
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
