// The static parts of the OpenAPI document (openapi.ts): tags, servers, security schemes, the error body.
import { PLAYBACK_MODES } from '../core/config-rules';
import { ERROR_STATUS, WWW_AUTHENTICATE_BEARER } from '../core/errors';
import type { RouteTag } from './routes';

export /** The tags of the route table's rows, as partners' generators group operations. */
const TAG_DESCRIPTIONS: Record<RouteTag, string> = {
  Sessions: 'Playback session URLs for one stream',
  Discovery: 'What a token may open',
  Documentation: 'This API described',
};

export /** The deployed stage as a server variable: the stack output ApiUrl, or a custom domain with its base path. */
const STAGE_SERVER = {
  url: '{stageUrl}',
  description: 'The deployed stage',
  variables: {
    stageUrl: {
      default: 'https://abcde12345.execute-api.us-east-1.amazonaws.com/prod',
      description:
        'The stage URL without a trailing slash: the stack output ApiUrl, or a custom domain with its base path',
    },
  },
};

export /** Client-credentials tokens whose issuer reads grants from scopes (`grantsFrom: "scope"`). */
const OAUTH2_SCHEME = {
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
