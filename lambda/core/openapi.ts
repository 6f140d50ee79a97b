// The OpenAPI document of the REST API, generated from the request schema and the error table so that it
// cannot drift from what the broker enforces. `npm run openapi` writes docs/openapi.json.
import * as z from 'zod';
import { ERROR_STATUS, type ErrorCode } from './errors';
import { sessionRequestBodySchema } from './request';

const errorBody = {
  type: 'object',
  required: ['error', 'requestId'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string' },
        reason: { type: 'string', description: 'The KVS exception name, for STREAM_NOT_PLAYABLE' },
      },
    },
    requestId: { type: 'string' },
  },
};

const WHEN: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'The body or path breaks a rule; the message names the field',
  UNAUTHORIZED: 'Token missing, malformed, bad signature, expired, wrong iss/aud/alg',
  FORBIDDEN: 'No grant covers this stream, mode, protocol or time window',
  NOT_FOUND: 'No such stream, or no fragments in the range',
  STREAM_NOT_PLAYABLE: 'The stream cannot be played over DASH/HLS; error.reason names the KVS exception',
  THROTTLED: 'KVS or API throttling; see Retry-After',
  UPSTREAM_ERROR: 'KVS refused the broker or failed',
  UPSTREAM_TIMEOUT: 'KVS did not answer in time',
};

function errorResponses(codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, c]) => [
      String(status),
      {
        description: c.map((code) => `${code}: ${WHEN[code] ?? ''}`).join('; '),
        ...(status === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

const PUBLIC_CODES = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => c !== 'INTERNAL_ERROR');

export function openApiDocument(): Record<string, unknown> {
  // The schema carries a registry id, so zod emits it as a definition behind a $ref: take the definition itself.
  const generated = z.toJSONSchema(sessionRequestBodySchema, { target: 'openapi-3.0', io: 'input' }) as {
    definitions?: Record<string, unknown>;
  };
  const sessionRequest = generated.definitions?.SessionRequest ?? generated;
  return {
    openapi: '3.0.3',
    info: {
      title: 'kvs-session-broker',
      version: '1',
      description:
        'Short-lived Amazon Kinesis Video Streams playback URLs (MPEG-DASH, HLS) for JWT holders. See DESIGN.md.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        SessionRequest: sessionRequest,
        Session: {
          type: 'object',
          required: ['url', 'protocol', 'streamName', 'playbackMode', 'expiresAt', 'expiresInSeconds'],
          properties: {
            url: {
              type: 'string',
              format: 'uri',
              description: 'Carries a session token: never log or store it',
            },
            protocol: { type: 'string', enum: ['DASH', 'HLS'] },
            streamName: { type: 'string' },
            playbackMode: { type: 'string', enum: ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'] },
            expiresAt: { type: 'string', format: 'date-time' },
            expiresInSeconds: { type: 'integer' },
          },
        },
        StreamList: {
          type: 'object',
          required: ['streams'],
          properties: {
            streams: {
              type: 'array',
              items: {
                type: 'object',
                required: ['streamName', 'modes', 'protocols'],
                properties: {
                  streamName: { type: 'string' },
                  modes: {
                    type: 'array',
                    items: { type: 'string', enum: ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'] },
                  },
                  protocols: { type: 'array', items: { type: 'string', enum: ['DASH', 'HLS'] } },
                },
              },
            },
            nextToken: { type: 'string' },
          },
        },
        Error: errorBody,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/streams/{streamName}/sessions': {
        post: {
          operationId: 'createSession',
          summary: 'A short-lived playback URL for one stream',
          parameters: [
            {
              name: 'streamName',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,256}$' },
            },
          ],
          requestBody: {
            required: false,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SessionRequest' } } },
          },
          responses: {
            '200': {
              description: 'Granted (Cache-Control: no-store)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } },
            },
            ...errorResponses(PUBLIC_CODES),
          },
        },
      },
      '/v1/streams': {
        get: {
          operationId: 'listStreams',
          summary: 'The streams this token may open, and how',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
            { name: 'nextToken', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'One page, sorted by streamName',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/StreamList' } } },
            },
            ...errorResponses(PUBLIC_CODES.filter((c) => c !== 'STREAM_NOT_PLAYABLE')),
          },
        },
      },
    },
  };
}
