// The static parts of the OpenAPI document (openapi.ts): tags, servers, security schemes, the error body.
import { PLAYBACK_MODES } from '../core/config-rules';
import { ERROR_STATUS, WWW_AUTHENTICATE_BEARER } from '../core/errors';
import type { OperationId } from './routes';

/** The OpenAPI tag of an operation: its group in a partner's generated client and docs. */
export type RouteTag = 'Sessions' | 'Discovery' | 'Archive' | 'Viewer control' | 'Documentation';

/**
 * Each operation's tag and description, kept here rather than in the route table so that the Lambdas, which
 * import the table, carry no prose. A new operation of the table does not compile without its entry.
 */
export const OPERATION_DOCS: Record<OperationId, { tag: RouteTag; description: string }> = {
  createSession: {
    tag: 'Sessions',
    description:
      "Checks the token's grants for this stream, mode, protocol and media window before KVS is called, then " +
      'answers with a KVS DASH or HLS streaming session URL that expires at expiresAt. The URL is a bearer ' +
      'credential for its lifetime: never log or cache it. Ask for a new one before it expires.',
  },
  listStreams: {
    tag: 'Discovery',
    description:
      "Resolves the token's exact, prefix and * grants against the streams that exist, sorted by streamName, " +
      'each once with the union of its modes and protocols. Page on with nextToken; truncated says the broker ' +
      'stopped early to stay within its KVS call budget.',
  },
  createSessions: {
    tag: 'Sessions',
    description:
      'One session per entry, each decided, audited and answered on its own and in order: an entry the grants ' +
      'do not cover, or that KVS refuses, gets its error in its place while the others get their URLs.',
  },
  createRevocation: {
    tag: 'Viewer control',
    description:
      "Revokes a subject's tokens issued before `before` (default now), or one token by jti, of the caller's own " +
      "issuer; only a token holding that issuer's adminScope may call it. Every instance refuses the revoked tokens " +
      'with 401 TOKEN_REVOKED within 5 s; session URLs already issued play until they expire (300 s minimum).',
  },
  getTimeline: {
    tag: 'Archive',
    description:
      'Where the archive has media between from and to, under an ON_DEMAND or LIVE_REPLAY grant (only the part its ' +
      'window covers). At most 10 KVS calls and 3 s: when truncated, the answer is complete up to to; continue there.',
  },
  getImages: {
    tag: 'Archive',
    description:
      'Thumbnails (base64 JPEG or PNG) every intervalMs between from and to (at most 300 s), with KVS GetImages ' +
      'bounds; NO_MEDIA where the archive has none. Page on with nextToken and the same query.',
  },
  getClip: {
    tag: 'Archive',
    description:
      'An MP4 file of the range (at most 1 h; KVS returns the first 200 fragments or 100 MB), streamed as an ' +
      'attachment. Errors before the first byte are the JSON error body.',
  },
  getOpenApiDocument: {
    tag: 'Documentation',
    description:
      'The OpenAPI 3.1 document of this API, generated from the schemas the broker validates with. No token needed.',
  },
};

/** The tags of the route table's rows, as partners' generators group operations. */
export const TAG_DESCRIPTIONS: Record<RouteTag, string> = {
  Sessions: 'Playback session URLs for one stream',
  Discovery: 'What a token may open',
  'Viewer control': 'Stop a viewer now: revoke a subject or a token',
  Archive: 'Recorded media: timeline, thumbnails, clips',
  Documentation: 'This API described',
};

/** Client-credentials tokens whose issuer reads grants from scopes (`grantsFrom: "scope"`). */
export const OAUTH2_SCHEME = {
  type: 'oauth2',
  description:
    "Client-credentials tokens of a partner identity provider whose grants are scopes '<scopePrefix>:<MODE>:<stream>' " +
    '(scopePrefix kvs by default; stream exact, a prefix ending in *, or *). The token URL is the identity ' +
    "provider's: ask the operators of this API which issuers it trusts. Any other scope is ignored.",
  flows: {
    clientCredentials: {
      tokenUrl: 'https://idp.example.com/oauth2/token',
      scopes: Object.fromEntries(
        PLAYBACK_MODES.map((mode) => [
          `kvs:${mode}:*`,
          `${mode} playback of every stream; a stream name or a prefix ending in * in place of the last * narrows it`,
        ]),
      ),
    },
  },
};

export const errorSchema = {
  type: 'object',
  required: ['error', 'requestId'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string' },
        reason: { type: 'string', description: 'The KVS exception name, for STREAM_NOT_PLAYABLE' },
      },
    },
    requestId: { type: 'string' },
  },
};

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT from an identity provider this API trusts, its grants in a claim or in scopes',
  },
  oauth2: OAUTH2_SCHEME,
};

export const COMPONENT_HEADERS = {
  CacheControl: {
    description: 'A session URL is a bearer credential for its lifetime: never cached',
    schema: { type: 'string', const: 'no-store' },
  },
  WWWAuthenticate: {
    required: true,
    description: 'RFC 6750: the Bearer scheme, with the error',
    schema: { type: 'string', const: WWW_AUTHENTICATE_BEARER },
  },
  RetryAfter: {
    required: true,
    description: 'Seconds to wait',
    schema: { type: 'integer', minimum: 0 },
  },
};
