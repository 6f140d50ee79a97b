// Request rules for POST /v1/streams/{streamName}/sessions (docs/api.md): one schema, strict.
import * as z from 'zod';
import {
  KVS_MAX_EXPIRES_SECONDS,
  KVS_MIN_EXPIRES_SECONDS,
  PLAYBACK_MODES,
  PROTOCOLS,
  STREAM_NAME,
} from './config-rules';
import { BrokerError } from './errors';
import { VIEWER_ID } from './seats';

/** KVS accepts at most 24 hours between StartTimestamp and EndTimestamp. */
export const MAX_RANGE_MS = 24 * 60 * 60 * 1000;

const isoWithZone = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

/** The `{streamName}` path parameter: KVS stream names. */
export const streamNameSchema = z
  .string()
  .regex(STREAM_NAME)
  .meta({ description: 'A Kinesis Video Streams stream name: 1..256 of a-z, A-Z, 0-9, _ . -' });

export const sessionRequestBodySchema = z
  .strictObject({
    protocol: z.enum(PROTOCOLS).default('DASH'),
    playbackMode: z.enum(PLAYBACK_MODES).default('LIVE'),
    fragmentSelectorType: z.enum(['SERVER_TIMESTAMP', 'PRODUCER_TIMESTAMP']).default('SERVER_TIMESTAMP'),
    startTimestamp: isoWithZone.optional().meta({ description: 'Forbidden for LIVE, required otherwise' }),
    endTimestamp: isoWithZone.optional().meta({
      description: 'Forbidden for LIVE, required for ON_DEMAND; after startTimestamp, within 24 h of it',
    }),
    expiresInSeconds: z
      .number()
      .int()
      .min(KVS_MIN_EXPIRES_SECONDS)
      .max(KVS_MAX_EXPIRES_SECONDS)
      .optional()
      .meta({
        description:
          "Default from the configuration; reduced to the caller's cap (the answer says what was granted)",
      }),
    maxFragmentResults: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .optional()
      .meta({ description: 'Default: KVS default' }),
    displayFragmentTimestamp: z.enum(['ALWAYS', 'NEVER']).default('NEVER'),
    displayFragmentNumber: z
      .enum(['ALWAYS', 'NEVER'])
      .optional()
      .meta({ description: 'DASH only; default NEVER' }),
    containerFormat: z
      .enum(['FRAGMENTED_MP4', 'MPEG_TS'])
      .optional()
      .meta({ description: 'HLS only; default FRAGMENTED_MP4' }),
    discontinuityMode: z
      .enum(['ALWAYS', 'NEVER', 'ON_DISCONTINUITY'])
      .optional()
      .meta({ description: 'HLS only; default ALWAYS' }),
    viewerId: z.string().regex(VIEWER_ID, 'must be 1 to 128 of a-z, A-Z, 0-9, _ . : -').optional().meta({
      description:
        "The device's stable id: one seat per viewerId while its session lasts (viewers.seatsPerPrincipal); renewals keep it",
    }),
  })
  .meta({ id: 'SessionRequest', description: 'Body of POST /v1/streams/{streamName}/sessions' });

/** The 200 answer of POST /v1/streams/{streamName}/sessions. */
export const sessionSchema = z
  .strictObject({
    url: z.url().meta({ description: 'Carries a session token: never log or store it' }),
    protocol: z.enum(PROTOCOLS),
    streamName: z.string(),
    playbackMode: z.enum(PLAYBACK_MODES),
    expiresAt: z.iso.datetime(),
    expiresInSeconds: z.number().int().min(KVS_MIN_EXPIRES_SECONDS).max(KVS_MAX_EXPIRES_SECONDS),
  })
  .meta({ id: 'Session', description: 'A granted session (Cache-Control: no-store)' });

export type Session = z.output<typeof sessionSchema>;

type SessionRequestBody = z.output<typeof sessionRequestBodySchema>;
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
  if (!streamNameSchema.safeParse(value).success) {
    throw invalid('streamName', 'must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -');
  }
  return value as string;
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
