// The Lambdas' cold-start config check (lambda/runtime) must say what zod says at synth: the generated schema
// matches the zod schema (drift), and on every document below both accept the same output or both refuse.
import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../../lambda/core/config';
import { AUTHORIZER_CONFIG_SCHEMA, CONFIG_SCHEMA } from '../../../lambda/runtime/config-schema';
import { CONFIG_ENV, configFromEnv } from '../../../lambda/runtime/env';
import { validateAuthorizerConfig, validateConfig } from '../../../lambda/runtime/validate';
import {
  AUTHORIZER_SECTIONS,
  authorizerConfigSchemaDocument,
  configSchemaDocument,
} from '../../../scripts/config-schema';

const issuer = {
  issuer: 'https://idp.example.com/',
  jwksUri: 'https://idp.example.com/.well-known/jwks.json',
  audience: 'kvs-session-broker',
};

/** Each with what zod makes of it (parseConfig, deployed): accepted or refused. */
const DOCUMENTS: Record<string, unknown> = {
  minimal: { issuers: [issuer] },
  full: {
    issuers: [
      {
        ...issuer,
        algorithms: ['ES256'],
        grantsFrom: 'scope',
        grantsClaim: 'x',
        scopePrefix: 'a/b',
        streamPrefix: 'p-',
      },
    ],
    sessions: { defaultExpiresSeconds: 600, maxExpiresSeconds: 7200 },
    streams: ['cam-*', 'door'],
    clockToleranceSeconds: 0,
    cors: { allowOrigins: ['https://app.example.com'] },
    api: { authorizerCacheTtlSeconds: 0, throttlingRateLimit: 0.5, throttlingBurstLimit: 1 },
    kvs: { timeoutMs: 100, maxAttempts: 5, dataEndpointTtlSeconds: 0 },
    local: { streams: [{ name: 'cam-1' }], enforceQuotas: false },
  },
  'viewer control': {
    issuers: [{ ...issuer, adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 }],
    viewers: { seatsPerPrincipal: 2 },
    state: { timeoutMs: 200, maxAttempts: 2 },
  },
  'adminScope without maxTokenAgeSeconds': { issuers: [{ ...issuer, adminScope: 'kvs:admin' }] },
  'adminScope with a space': { issuers: [{ ...issuer, adminScope: 'kvs admin', maxTokenAgeSeconds: 60 }] },
  'no seats': { issuers: [issuer], viewers: { seatsPerPrincipal: 0 } },
  'state timeout over its budget': { issuers: [issuer], state: { timeoutMs: 2001 } },
  'no issuers': { issuers: [] },
  'not an object': ['issuers'],
  'unknown top-level field': { issuers: [issuer], extra: 1 },
  'unknown issuer field': { issuers: [{ ...issuer, kid: 'x' }] },
  'missing audience': { issuers: [{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }] },
  'empty issuer': { issuers: [{ ...issuer, issuer: '' }] },
  'jwksUri not a URL': { issuers: [{ ...issuer, jwksUri: 'not a url' }] },
  'jwksUri over http': { issuers: [{ ...issuer, jwksUri: 'http://idp.example.com/jwks' }] },
  'HS256 allowed': { issuers: [{ ...issuer, algorithms: ['HS256'] }] },
  'no algorithms': { issuers: [{ ...issuer, algorithms: [] }] },
  'bad scopePrefix': { issuers: [{ ...issuer, scopePrefix: 'a b' }] },
  'duplicate issuer': { issuers: [issuer, issuer] },
  'expiry below KVS minimum': { issuers: [issuer], sessions: { defaultExpiresSeconds: 299 } },
  'expiry not an integer': { issuers: [issuer], sessions: { maxExpiresSeconds: 3600.5 } },
  'default above max': {
    issuers: [issuer],
    sessions: { defaultExpiresSeconds: 4000, maxExpiresSeconds: 3600 },
  },
  'stream pattern with inner star': { issuers: [issuer], streams: ['a*b'] },
  'no streams': { issuers: [issuer], streams: [] },
  'clock tolerance as a string': { issuers: [issuer], clockToleranceSeconds: '30' },
  'rate limit zero': { issuers: [issuer], api: { throttlingRateLimit: 0 } },
  'KVS budget over 25 s': { issuers: [issuer], kvs: { timeoutMs: 5000, maxAttempts: 3 } },
  'KVS attempts 6': { issuers: [issuer], kvs: { maxAttempts: 6 } },
  'overlapping partner stream prefixes': {
    issuers: [
      { ...issuer, streamPrefix: 'acme' },
      { ...issuer, issuer: 'https://other.example.com/', streamPrefix: 'acmecorp-' },
    ],
  },
  'first-party issuer beside a partner': {
    issuers: [issuer, { ...issuer, issuer: 'https://other.example.com/', streamPrefix: 'acme-' }],
  },
  'grant cap over the ceiling': { issuers: [issuer], limits: { maxGrantsPerToken: 101 } },
  'per-IP rate limit off': { issuers: [issuer], api: { ipRateLimit: false } },
  'per-IP rate limit tuned': { issuers: [issuer], api: { ipRateLimit: { limit: 600, windowSeconds: 300 } } },
  'per-IP window WAF does not have': {
    issuers: [issuer],
    api: { ipRateLimit: { limit: 600, windowSeconds: 30 } },
  },
  'per-IP limit under 10': { issuers: [issuer], api: { ipRateLimit: { limit: 9, windowSeconds: 60 } } },
  'per-IP limit true': { issuers: [issuer], api: { ipRateLimit: true } },
  'per-token rate limit off': { issuers: [issuer], api: { tokenRateLimit: false } },
  'both rate limits off': { issuers: [issuer], api: { tokenRateLimit: false, ipRateLimit: false } },
  'per-token rate limit tuned': {
    issuers: [issuer],
    api: { tokenRateLimit: { limit: 120, windowSeconds: 120 } },
  },
  'per-token window WAF does not have': {
    issuers: [issuer],
    api: { tokenRateLimit: { limit: 60, windowSeconds: 90 } },
  },
  'per-token limit under 10': { issuers: [issuer], api: { tokenRateLimit: { limit: 5, windowSeconds: 60 } } },
  'per-token limit with a key field': {
    issuers: [issuer],
    api: { tokenRateLimit: { limit: 60, windowSeconds: 60, header: 'X-Api-Key' } },
  },
  'Cognito access tokens': { issuers: [{ ...issuer, audienceClaim: 'client_id' }] },
  'local stream bad name': { issuers: [issuer], local: { streams: [{ name: 'a b' }] } },
  'enforceQuotas as a string': { issuers: [issuer], local: { enforceQuotas: 'no' } },
  null: null,
};

function zodVerdict(input: unknown): unknown {
  try {
    return { ok: parseConfig(input) };
  } catch {
    return 'refused';
  }
}

function runtimeVerdict(input: unknown): unknown {
  try {
    return { ok: validateConfig(input) };
  } catch {
    return 'refused';
  }
}

describe('lambda/runtime config check', () => {
  it('uses the schema generated from lambda/core/config.ts (run: npm run schemas)', async () => {
    expect(CONFIG_SCHEMA).toEqual(configSchemaDocument());
  });

  it.each(Object.entries(DOCUMENTS))('agrees with zod on %s', (_name, document) => {
    expect(runtimeVerdict(document)).toEqual(zodVerdict(document));
  });

  it('accepts the corpus documents it should, so the agreement above is not all refusals', () => {
    expect(runtimeVerdict(DOCUMENTS.minimal)).toEqual({
      ok: {
        issuers: [
          {
            ...issuer,
            audienceClaim: 'aud',
            algorithms: ['RS256', 'ES256'],
            grantsFrom: 'claim',
            grantsClaim: 'kvs',
            scopePrefix: 'kvs',
            streamPrefix: '',
          },
        ],
        sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600, capAtTokenExpiry: false },
        streams: ['*'],
        clockToleranceSeconds: 30,
        cors: { allowOrigins: [] },
        api: {
          authorizerCacheTtlSeconds: 300,
          throttlingRateLimit: 50,
          throttlingBurstLimit: 100,
          tokenRateLimit: { limit: 60, windowSeconds: 60 },
          ipRateLimit: { limit: 1000, windowSeconds: 300 },
        },
        kvs: { timeoutMs: 3000, maxAttempts: 3, dataEndpointTtlSeconds: 300 },
        limits: { maxGrantsPerToken: 100 },
        viewers: {},
        state: { timeoutMs: 500, maxAttempts: 3 },
        metrics: { perStreamDimensions: false },
      },
    });
  });

  it('fails the cold start on a malformed value, naming the field', () => {
    const env = { [CONFIG_ENV]: JSON.stringify({ issuers: [issuer], kvs: { maxAttempts: 0 } }) };
    expect(() => configFromEnv(env)).toThrow(
      'Invalid kvs-session-broker configuration:\n  - kvs.maxAttempts: Too small: expected number to be >=1',
    );
    expect(() => configFromEnv({})).toThrow(`${CONFIG_ENV} is not set`);
    expect(() => configFromEnv({ [CONFIG_ENV]: '{' })).toThrow(SyntaxError);
  });

  it('reads what the construct writes: the synth-validated document without `local`', () => {
    const { local: _local, ...deployed } = parseConfig(DOCUMENTS.full);
    expect(configFromEnv({ [CONFIG_ENV]: JSON.stringify(deployed) })).toEqual(deployed);
  });
});

// The authorizer checks only the sections it reads (its bundle carries no schema of the others): on each document,
// it says what zod says of those sections alone, and hands out the same values.
describe("lambda/runtime config check, the authorizer's sections", () => {
  const sections = (input: unknown): unknown =>
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? Object.fromEntries(
          AUTHORIZER_SECTIONS.filter((k) => k in input).map((k) => [
            k,
            (input as Record<string, unknown>)[k],
          ]),
        )
      : input;

  it('uses the schema generated from lambda/core/config.ts (run: npm run schemas)', () => {
    expect(AUTHORIZER_CONFIG_SCHEMA).toEqual(authorizerConfigSchemaDocument());
  });

  it.each(Object.entries(DOCUMENTS))('agrees with zod on the sections of %s', (_name, document) => {
    const zod = zodVerdict(sections(document));
    let ours: unknown;
    try {
      ours = { ok: validateAuthorizerConfig(document) };
    } catch {
      ours = 'refused';
    }
    expect(ours).toEqual(zod === 'refused' ? 'refused' : { ok: sections((zod as { ok: unknown }).ok) });
  });
});
