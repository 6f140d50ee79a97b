// The OpenAPI 3.1 document of the REST API, generated whole from the route table, the schemas the broker validates
// and answers with, and the error tables, so it cannot drift from what the API does. `npm run schemas` writes
// docs/openapi.json, which the broker serves at GET /openapi.json as it is committed (no zod in the Lambda).
import * as z from 'zod';
import { MAX_BATCH_SESSIONS } from '../core/batch';
import { ERROR_STATUS, type ErrorCode } from '../core/errors';
import { catalogPageSchema, listQuerySchema } from '../core/schemas/discovery';
import { sessionRequestBodySchema, sessionSchema, streamNameSchema } from '../core/schemas/session';
import { revocationRequestSchema, revocationSchema } from '../core/schemas/revocation';
import { archiveComponentSchemas, archiveOperationDetails, type JsonSchemas } from './openapi-archive';
import { GATEWAY_ERROR_RESPONSES, GATEWAY_NATIVE_STATUS } from './gateway-responses';
import {
  COMPONENT_HEADERS,
  errorSchema,
  OPERATION_DOCS,
  SECURITY_SCHEMES,
  TAG_DESCRIPTIONS,
} from './openapi-components';
import { openApiServers } from './openapi-servers';
import { ROUTES, type ApiRoute, type OperationId } from './routes';
import { WEBRTC_COMPONENT_SCHEMAS, webrtcOperationDetails } from './webrtc-schemas';

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, without the `$schema` line. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io }) as Record<string, unknown> & {
    $defs?: Record<string, Record<string, unknown>>;
  };
  // A schema with a registry id comes back as a $ref to its definition: take the definition itself.
  const id = z.globalRegistry.get(schema)?.id;
  if (id !== undefined) return out.$defs![id]!;
  const { $schema: _ignored, ...rest } = out;
  return rest;
}

/** A schema as the broker reads it: a field with a default may be left out. */
const inputSchema = (schema: z.ZodType) => jsonSchema(schema, 'input');
/** A schema as the broker answers it: a field with a default is always there. */
// Stryker disable next-line StringLiteral: zod's toJSONSchema reads any io but 'input' as 'output', its default.
const outputSchema = (schema: z.ZodType) => jsonSchema(schema, 'output');
const schemas: JsonSchemas = { input: inputSchema, output: outputSchema };

/**
 * A request body schema whose defaults are stated in each field's description instead of `default`: generators
 * such as openapi-typescript make a field with a `default` required in the request type (so `{ protocol: 'HLS' }`
 * would not type-check), while the broker fills the default in for a missing field.
 */
export function requestSchema(schema: z.ZodType): Record<string, unknown> {
  const out = inputSchema(schema);
  const properties = out.properties as Record<string, Record<string, unknown>>;
  out.properties = Object.fromEntries(
    Object.entries(properties).map(([name, { default: value, description, ...field }]) => [
      name,
      value === undefined
        ? { ...field, ...(description === undefined ? {} : { description }) }
        : {
            ...field,
            description: [description, `Default: ${JSON.stringify(value)}.`].filter(Boolean).join('. '),
          },
    ]),
  );
  return out;
}

const WHEN: Record<ErrorCode, string> = {
  INVALID_REQUEST: 'The body, path or query breaks a rule; the message names the field',
  UNAUTHORIZED: 'Token missing, malformed, bad signature, expired, wrong iss/aud/alg',
  TOKEN_REVOKED: "The token's sub or jti was revoked",
  FORBIDDEN: 'No grant covers this stream, mode, protocol or time window',
  NOT_FOUND: 'No such stream, no fragments in the range, or no such route',
  STREAM_NOT_PLAYABLE: 'The stream cannot be played over DASH/HLS; error.reason names the KVS exception',
  THROTTLED: 'KVS or API throttling; wait Retry-After seconds',
  SEAT_LIMIT: "Every seat of the caller's principal is held by another viewerId; wait Retry-After seconds",
  STATE_UNAVAILABLE: 'The viewer-state table did not answer; nothing is granted without it (Retry-After)',
  INTERNAL_ERROR: 'The broker failed unexpectedly',
  UPSTREAM_ERROR: 'KVS or the authorizer refused the broker or failed',
  UPSTREAM_TIMEOUT: 'KVS or the broker did not answer in time',
};

const ALL_ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
/** Any operation can fail on the server's side: the 5xx codes, read from the status table. */
const SERVER_FAILURES = ALL_ERROR_CODES.filter((code) => ERROR_STATUS[code] >= 500);
/** What ends a token route's request, whatever it decides: the caller, the token checks (revocation), the body. */
const TOKEN_ROUTE_CODES: readonly ErrorCode[] = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'TOKEN_REVOKED',
  'FORBIDDEN',
  'THROTTLED',
  ...SERVER_FAILURES,
];

/** The codes each operation can answer (besides 200), whoever answers: the broker or API Gateway. */
const ERROR_CODES: Record<OperationId, readonly ErrorCode[]> = {
  createSession: ALL_ERROR_CODES,
  // A refused or failed entry is answered in its place in the 200; these end the whole request.
  createSessions: TOKEN_ROUTE_CODES,
  listStreams: TOKEN_ROUTE_CODES,
  createRevocation: TOKEN_ROUTE_CODES,
  getTimeline: ALL_ERROR_CODES.filter((c) => c !== 'STREAM_NOT_PLAYABLE'),
  getImages: ALL_ERROR_CODES,
  getClip: ALL_ERROR_CODES,
  // 404 also when config `webrtc` is absent; no STREAM_NOT_PLAYABLE (no session URL is made), no SEAT_LIMIT (no seat
  // is taken: seats are per session).
  createWebrtcViewer: ALL_ERROR_CODES.filter((c) => c !== 'STREAM_NOT_PLAYABLE' && c !== 'SEAT_LIMIT'),
  // No token: only API Gateway itself (throttling, a web ACL) and an ailing Lambda stand in the way.
  // It reads no viewer state, so it is never STATE_UNAVAILABLE.
  getOpenApiDocument: ['FORBIDDEN', 'THROTTLED', ...SERVER_FAILURES.filter((c) => c !== 'STATE_UNAVAILABLE')],
};

/** Statuses API Gateway answers with instead of the code's own (413, 415), for operations that take a body. */
function gatewayOnlyStatuses(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const r of GATEWAY_ERROR_RESPONSES) {
    const status = GATEWAY_NATIVE_STATUS[r.type];
    if (r.keepStatus && status !== undefined && codes.includes(r.code)) byStatus.set(status, [r.code]);
  }
  return byStatus;
}

function errorResponses(route: ApiRoute) {
  const codes = ERROR_CODES[route.operationId];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  if (route.method === 'POST') for (const [s, c] of gatewayOnlyStatuses(codes)) byStatus.set(s, c);
  // No sort: an object lists integer-like keys ("200", "404") in ascending order whatever the insertion order
  // (ECMAScript, OrdinaryOwnPropertyKeys), so the statuses come out ascending in the document and its JSON.
  return Object.fromEntries(
    [...byStatus].map(([status, c]) => [
      String(status),
      {
        description: c.map((code) => `${code}: ${WHEN[code]}`).join('; '),
        ...(status === 429
          ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } }
          : {}),
        ...(status === 401
          ? { headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWWAuthenticate' } } }
          : {}),
        content: {
          'application/json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/Error' },
                { properties: { error: { properties: { code: { enum: c } } } } },
              ],
            },
          },
        },
      },
    ]),
  );
}

const noStore = { 'Cache-Control': { $ref: '#/components/headers/CacheControl' } };

/** What differs between operations: their inputs and their 200. */
function operationDetails(route: ApiRoute): Record<string, unknown> {
  switch (route.operationId) {
    case 'createSession':
      return {
        parameters: [
          { name: 'streamName', in: 'path', required: true, schema: inputSchema(streamNameSchema) },
        ],
        requestBody: {
          required: false,
          description: 'Every field is optional; unknown fields are refused',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/SessionRequest' } } },
        },
        ok: { description: 'Granted', headers: noStore, schema: '#/components/schemas/Session' },
      };
    case 'createSessions':
      return {
        requestBody: {
          required: true,
          description: `1 to ${MAX_BATCH_SESSIONS} sessions, each the body of createSession plus its streamName`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/SessionBatchRequest' } } },
        },
        ok: {
          description: 'Each entry in the order asked: its session, or why it was refused',
          headers: noStore,
          schema: '#/components/schemas/SessionBatch',
        },
      };
    case 'listStreams':
      return {
        parameters: Object.entries(listQuerySchema.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema: inputSchema(schema),
        })),
        ok: {
          description: 'One page, sorted by streamName',
          headers: noStore,
          schema: '#/components/schemas/StreamList',
        },
      };
    case 'createWebrtcViewer':
      return webrtcOperationDetails(inputSchema(streamNameSchema));
    case 'createRevocation':
      return {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/RevocationRequest' } } },
        },
        ok: { description: 'Recorded', headers: noStore, schema: '#/components/schemas/Revocation' },
      };
    case 'getTimeline':
    case 'getImages':
    case 'getClip':
      return archiveOperationDetails(route.operationId, schemas);
    case 'getOpenApiDocument':
      return { ok: { description: 'This document (OpenAPI 3.1)', headers: {}, schema: undefined } };
  }
}

function operation(route: ApiRoute) {
  const { ok, ...inputs } = operationDetails(route) as {
    ok: { description: string; headers: object; schema?: string; contentType?: string };
  };
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: OPERATION_DOCS[route.operationId].description,
    tags: [OPERATION_DOCS[route.operationId].tag],
    ...(route.authorizer === 'none' ? { security: [] } : {}),
    ...inputs,
    responses: {
      '200': {
        description: ok.description,
        headers: ok.headers,
        content: ok.contentType
          ? { [ok.contentType]: { schema: { type: 'string', contentMediaType: ok.contentType } } }
          : { 'application/json': { schema: ok.schema ? { $ref: ok.schema } : { type: 'object' } } },
      },
      ...errorResponses(route),
    },
  };
}

export interface OpenApiDocumentOptions {
  /**
   * The base URL the answering server is reached at, listed first among the servers (local mode: the local
   * server's own URL). Without it, the document lists the deployed stage as a server variable.
   */
  servedAt?: string;
}

/** POST /v1/sessions: each entry is a SessionRequest with its streamName, each answer a Session or an entry error. */
function batchSchemas(): Record<string, unknown> {
  const single = requestSchema(sessionRequestBodySchema) as { properties: object; required?: string[] };
  return {
    SessionBatchRequest: {
      type: 'object',
      required: ['sessions'],
      additionalProperties: false,
      properties: {
        sessions: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_BATCH_SESSIONS,
          items: {
            ...single,
            description: 'The body of createSession, plus the stream',
            required: ['streamName', ...(single.required ?? [])],
            properties: { streamName: inputSchema(streamNameSchema), ...single.properties },
          },
        },
      },
    },
    SessionEntryError: {
      type: 'object',
      required: ['streamName', 'error'],
      additionalProperties: false,
      properties: {
        streamName: { type: 'string' },
        error: (errorSchema.properties as { error: object }).error,
        retryAfterSeconds: { type: 'integer', minimum: 0, description: 'For THROTTLED: seconds to wait' },
      },
    },
    SessionBatch: {
      type: 'object',
      required: ['sessions'],
      additionalProperties: false,
      properties: {
        sessions: {
          type: 'array',
          items: {
            oneOf: [
              { $ref: '#/components/schemas/Session' },
              { $ref: '#/components/schemas/SessionEntryError' },
            ],
          },
        },
      },
    },
  };
}

export function openApiDocument(options: OpenApiDocumentOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  const tags = [...new Set(ROUTES.map((r) => OPERATION_DOCS[r.operationId].tag))];
  return {
    openapi: '3.1.1',
    info: {
      title: 'kvs-session-broker',
      version: '1',
      summary: 'Short-lived Amazon Kinesis Video Streams playback URLs (MPEG-DASH, HLS) for JWT holders',
      description:
        'Clients call with a bearer JWT from a configured identity provider; the broker checks the grants it ' +
        'carries and answers with a playback session URL. No AWS credentials ever reach the client.',
      contact: { name: 'The operators of this API (quote the requestId of an answer)' },
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: openApiServers(options.servedAt),
    security: [{ bearer: [] }, { oauth2: [] }],
    tags: tags.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] })),
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      headers: COMPONENT_HEADERS,
      schemas: {
        SessionRequest: requestSchema(sessionRequestBodySchema),
        Session: outputSchema(sessionSchema),
        ...batchSchemas(),
        StreamList: outputSchema(catalogPageSchema),
        ...WEBRTC_COMPONENT_SCHEMAS,
        RevocationRequest: inputSchema(revocationRequestSchema),
        Revocation: outputSchema(revocationSchema),
        ...archiveComponentSchemas(schemas),
        Error: errorSchema,
      },
    },
  };
}
