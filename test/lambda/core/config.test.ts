import { describe, expect, it } from '@jest/globals';
import { ConfigError, configSchema, parseConfig } from '../../../lambda/core/config';

const issuer = {
  issuer: 'https://idp.example.com/',
  jwksUri: 'https://idp.example.com/.well-known/jwks.json',
  audience: 'kvs-session-broker',
};

const partner = (name: string) => ({
  issuer: `https://${name}.partner.example.net/`,
  jwksUri: `https://${name}.partner.example.net/jwks`,
  audience: 'partner-video',
});

function problems(input: unknown, local = false): string[] {
  try {
    parseConfig(input, { local });
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('parseConfig', () => {
  it('fills every default of docs/configuration.md', () => {
    expect(parseConfig({ issuers: [issuer] })).toEqual({
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
      limits: { maxGrantsPerToken: 100 },
      viewers: {},
      state: { timeoutMs: 500, maxAttempts: 3 },
      metrics: { perStreamDimensions: false },
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
    });
  });

  it.each<[string, unknown, string[]]>([
    ['no issuers', { issuers: [] }, ['issuers: Too small: expected array to have >=1 items']],
    [
      'an HS256 algorithm',
      { issuers: [{ ...issuer, algorithms: ['HS256'] }] },
      [expect.stringMatching(/^issuers\[0\]\.algorithms\[0\]: Invalid option/) as unknown as string],
    ],
    [
      'alg none',
      { issuers: [{ ...issuer, algorithms: ['none'] }] },
      [expect.stringMatching(/^issuers\[0\]\.algorithms\[0\]: Invalid option/) as unknown as string],
    ],
    [
      'an unknown field (typo)',
      { issuers: [issuer], session: {} },
      ['(document): Unrecognized key: "session"'],
    ],
    [
      'an http jwksUri',
      { issuers: [{ ...issuer, jwksUri: 'http://idp.example.com/jwks' }] },
      ['issuers[0].jwksUri: must be https'],
    ],
    [
      'a default above the max',
      { issuers: [issuer], sessions: { defaultExpiresSeconds: 7200, maxExpiresSeconds: 3600 } },
      ['sessions.defaultExpiresSeconds: must not exceed sessions.maxExpiresSeconds (3600)'],
    ],
    [
      'a max above the KVS limit',
      { issuers: [issuer], sessions: { maxExpiresSeconds: 50000 } },
      ['sessions.maxExpiresSeconds: Too big: expected number to be <=43200'],
    ],
    [
      'a bad stream pattern',
      { issuers: [issuer], streams: ['cam*1'] },
      ['streams[0]: must be a stream name of [a-zA-Z0-9_.-], a prefix ending in *, or *'],
    ],
    [
      'KVS timeouts that cannot fit the 29 s API Gateway limit',
      { issuers: [issuer], kvs: { timeoutMs: 5000, maxAttempts: 3 } },
      [
        'kvs.timeoutMs: 2 calls x kvs.maxAttempts x kvs.timeoutMs is 30000 ms; it must stay within 25000 ms (API Gateway gives up at 29 s)',
      ],
    ],
    ['a duplicate issuer', { issuers: [issuer, issuer] }, ['issuers[1].issuer: duplicate issuer']],
    [
      "a partner streamPrefix that reaches another's streams (acme reaches acmecorp-*)",
      {
        issuers: [
          issuer,
          { ...partner('a'), streamPrefix: 'acme' },
          { ...partner('b'), streamPrefix: 'acmecorp-' },
        ],
      },
      [
        'issuers[2].streamPrefix: overlaps issuers[1].streamPrefix ("acme"): one issuer\'s tokens could reach the other\'s streams',
      ],
    ],
    [
      'two partners with the same streamPrefix',
      {
        issuers: [
          { ...partner('a'), streamPrefix: 'acme-' },
          { ...partner('b'), streamPrefix: 'acme-' },
        ],
      },
      [
        'issuers[1].streamPrefix: overlaps issuers[0].streamPrefix ("acme-"): one issuer\'s tokens could reach the other\'s streams',
      ],
    ],
    [
      'more than 100 grants per token (the 8 KB answer bound is proven up to 100)',
      { issuers: [issuer], limits: { maxGrantsPerToken: 101 } },
      ['limits.maxGrantsPerToken: Too big: expected number to be <=100'],
    ],
    [
      'a typ that is not a media type',
      { issuers: [{ ...issuer, typ: 'at jwt' }] },
      ['issuers[0].typ: must be a media type such as at+jwt'],
    ],
    [
      'a maxTokenAgeSeconds under a minute',
      { issuers: [{ ...issuer, maxTokenAgeSeconds: 59 }] },
      ['issuers[0].maxTokenAgeSeconds: Too small: expected number to be >=60'],
    ],
  ])('refuses %s, naming the field', (_name, input, expected) => {
    expect(problems(input)).toEqual(expected);
  });

  it('accepts partners whose streamPrefixes do not overlap, beside a first-party issuer that reaches every stream', () => {
    const input = {
      issuers: [
        issuer,
        { ...partner('a'), streamPrefix: 'acme-' },
        { ...partner('b'), streamPrefix: 'acmecorp-' },
      ],
      limits: { maxGrantsPerToken: 20 },
      sessions: { capAtTokenExpiry: true },
    };
    expect(problems(input)).toEqual([]);
    const config = parseConfig(input);
    expect(config.limits).toEqual({ maxGrantsPerToken: 20 });
    expect(config.sessions).toEqual({
      defaultExpiresSeconds: 300,
      maxExpiresSeconds: 3600,
      capAtTokenExpiry: true,
    });
  });

  it('keeps per-issuer token hygiene options', () => {
    const config = parseConfig({ issuers: [{ ...issuer, typ: 'at+jwt', maxTokenAgeSeconds: 3600 }] });
    expect(config.issuers[0]).toMatchObject({ typ: 'at+jwt', maxTokenAgeSeconds: 3600 });
  });

  it('reads local.streams[].recording, forSeconds below everySeconds (README, Local mode)', () => {
    const withRecording = (recording: unknown) => ({
      issuers: [issuer],
      local: { streams: [{ name: 'cam-motion', recording }] },
    });
    expect(
      parseConfig(withRecording({ everySeconds: 60, forSeconds: 40 })).local?.streams[0]?.recording,
    ).toEqual({
      everySeconds: 60,
      forSeconds: 40,
    });
    expect(problems(withRecording({ everySeconds: 60, forSeconds: 60 }))).toEqual([
      'local.streams[0].recording.forSeconds: forSeconds must be less than everySeconds',
    ]);
    expect(problems(withRecording({ everySeconds: 60 })).length).toBe(1);
  });

  it('allows an http jwksUri on loopback only in local mode', () => {
    const local = { issuers: [{ ...issuer, jwksUri: 'http://127.0.0.1:3000/.well-known/jwks.json' }] };
    expect(problems(local, true)).toEqual([]);
    expect(problems(local, false)).toEqual(['issuers[0].jwksUri: must be https']);
    expect(problems({ issuers: [{ ...issuer, jwksUri: 'http://10.0.0.1/jwks' }] }, true)).toEqual([
      'issuers[0].jwksUri: must be https (plain http only on a loopback host)',
    ]);
    expect(problems({ issuers: [{ ...issuer, jwksUri: 'ftp://127.0.0.1/jwks' }] }, true)).toEqual([
      'issuers[0].jwksUri: must be https (plain http only on a loopback host)',
    ]);
  });

  it('turns a rate limit off with false and keeps written settings, checking them against AWS WAF', () => {
    const api = (more: unknown) => parseConfig({ issuers: [issuer], api: more }).api;
    expect(api({ tokenRateLimit: false })).toMatchObject({
      tokenRateLimit: false,
      ipRateLimit: { limit: 1000, windowSeconds: 300 },
    });
    expect(api({ ipRateLimit: false, tokenRateLimit: { limit: 10, windowSeconds: 600 } })).toMatchObject({
      tokenRateLimit: { limit: 10, windowSeconds: 600 },
      ipRateLimit: false,
    });
    expect(problems({ issuers: [issuer], api: { tokenRateLimit: true } })).toHaveLength(1);
    expect(problems({ issuers: [issuer], api: { ipRateLimit: { limit: 9, windowSeconds: 30 } } })).toEqual([
      'api.ipRateLimit.limit: Too small: expected number to be >=10',
      "api.ipRateLimit.windowSeconds: must be one of AWS WAF's evaluation windows: 60, 120, 300, 600 s",
    ]);
  });

  it('requires maxTokenAgeSeconds of an issuer that can revoke (adminScope)', () => {
    expect(problems({ issuers: [{ ...issuer, adminScope: 'kvs/admin' }] })).toEqual([
      'issuers[0].maxTokenAgeSeconds: required with adminScope: it bounds how long a revoked token could stay valid, and so how long a revocation is kept',
    ]);
  });

  it('reports the cross-field rules to users of the exported schema as custom issues on the field', () => {
    const result = configSchema.safeParse({ issuers: [issuer], sessions: { defaultExpiresSeconds: 7200 } });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['sessions', 'defaultExpiresSeconds'],
        message: 'must not exceed sessions.maxExpiresSeconds (3600)',
      }),
    ]);
  });

  it('says what is wrong in one message, a line a problem, as a ConfigError', () => {
    expect(() => parseConfig({ issuers: [] })).toThrow(
      'Invalid kvs-session-broker configuration:\n  - issuers: Too small: expected array to have >=1 items',
    );
    const error = new ConfigError(['a: bad', 'b: worse']);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('Invalid kvs-session-broker configuration:\n  - a: bad\n  - b: worse');
    expect(String(error)).toMatch(/^ConfigError: Invalid/);
  });
});
