// zod schemas of POST /v1/streams/{streamName}/sessions (docs/api.md): the source of truth for its generated JSON
// Schema (request-schemas.ts, which lambda/core/request.ts checks requests against) and for the OpenAPI document.
// No Lambda imports this file's values (a test keeps zod out of the bundles); types are free: `import type`.
import * as z from 'zod';
import {
  KVS_MAX_EXPIRES_SECONDS,
  KVS_MIN_EXPIRES_SECONDS,
  PLAYBACK_MODES,
  PROTOCOLS,
  STREAM_NAME,
} from '../config-rules';
import { VIEWER_ID, VIEWER_ID_RULE } from '../seats';

const isoWithZone = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

/** The `{streamName}` path parameter: KVS stream names. */
export const streamNameSchema = z
  .string({ error: 'must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -' })
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
    viewerId: z.string().regex(VIEWER_ID, VIEWER_ID_RULE).optional().meta({
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
export type SessionRequestBody = z.output<typeof sessionRequestBodySchema>;
