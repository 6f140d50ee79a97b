// POST /v1/streams/{streamName}/sessions end to end over HTTP: local API Gateway -> real authorizer (jose, loopback
// JWKS) -> real broker (middy) -> real AWS SDK clients -> KVS emulator. Every row of DESIGN's error table.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair, generateSecret } from 'jose';
import type { LocalBroker } from '../../local/app';
import {
  auditLines,
  captureOutput,
  devIssuerConfig,
  post,
  serveJwks,
  startTestBroker,
  type Captured,
} from '../support/local-broker';

const HOUR = 3600;
let broker: LocalBroker;
let captured: Captured;
let partnerJwks: Awaited<ReturnType<typeof serveJwks>>;
let partnerKey: CryptoKey;
const tokens: string[] = [];
const urls: string[] = [];

const nowS = () => Math.floor(Date.now() / 1000);
async function mint(
  grants: unknown,
  claims: Record<string, unknown> = {},
  expiresInSeconds = 600,
): Promise<string> {
  const token = await broker.devIssuer!.mint({ sub: 'user-1', grants, claims, expiresInSeconds });
  tokens.push(token);
  return token;
}
async function partnerToken(
  claims: Record<string, unknown>,
  alg = 'RS256',
  key: CryptoKey | Uint8Array = partnerKey,
) {
  const token = await new SignJWT({
    iss: 'https://partner.example.net/',
    aud: 'partner-video',
    sub: 'svc-7',
    ...claims,
  })
    .setProtectedHeader({ alg, kid: 'partner-1' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
  tokens.push(token);
  return token;
}

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  partnerKey = privateKey;
  partnerJwks = await serveJwks({
    keys: [{ ...(await exportJWK(publicKey)), kid: 'partner-1', alg: 'RS256', use: 'sig' }],
  });
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [
      devIssuerConfig(baseUrl),
      {
        issuer: 'https://partner.example.net/',
        jwksUri: partnerJwks.url,
        audience: 'partner-video',
        algorithms: ['RS256'],
        grantsFrom: 'scope',
        streamPrefix: 'acme-',
      },
    ],
    sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
    kvs: { timeoutMs: 400, maxAttempts: 1, dataEndpointTtlSeconds: 300 },
    api: { authorizerCacheTtlSeconds: 300, throttlingRateLimit: 1000, throttlingBurstLimit: 1000 },
    local: {
      streams: [
        { name: 'cam-1' },
        { name: 'cam-lobby' },
        { name: 'acme-cam-1' },
        { name: 'cam-no-retention', dataRetentionInHours: 0 },
        { name: 'cam-audio', mediaType: 'audio/opus' },
      ],
      enforceQuotas: true,
    },
  }));
  broker.emulator.putStream({ name: 'cam-forbidden-role', fault: 'NotAuthorizedException' });
  broker.emulator.putStream({ name: 'cam-no-codec', fault: 'MissingCodecPrivateDataException' });
  broker.emulator.putStream({ name: 'cam-slow', latencyMs: 1500 });
  broker.emulator.putStream({ name: 'cam-broken', fault: 'InternalServerError' });
});

afterAll(async () => {
  captured.restore();
  await broker.close();
  await partnerJwks.close();
});

describe('granted sessions', () => {
  it('returns a DASH LIVE URL with expiresAt, never cacheable', async () => {
    const before = Date.now();
    const res = await post(broker, 'cam-1', await mint([{ stream: 'cam-1' }]));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toBe('application/json');
    urls.push(res.json.url as string);
    expect(res.json).toEqual({
      url: expect.stringMatching(
        /^http:\/\/127\.0\.0\.1:\d+\/dash\/v1\/getDASHManifest\.mpd\?SessionToken=[^&]+$/,
      ),
      protocol: 'DASH',
      streamName: 'cam-1',
      playbackMode: 'LIVE',
      expiresAt: expect.any(String),
      expiresInSeconds: 300,
    });
    const expiresAt = Date.parse(res.json.expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 300_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  it('returns an HLS MPEG-TS URL for iOS players', async () => {
    const res = await post(broker, 'cam-1', await mint([{ stream: 'cam-*', protocols: ['HLS'] }]), {
      protocol: 'HLS',
      containerFormat: 'MPEG_TS',
      displayFragmentTimestamp: 'ALWAYS',
    });
    expect(res.status).toBe(200);
    urls.push(res.json.url as string);
    expect(res.json.url).toMatch(/\/hls\/v1\/getHLSMasterPlaylist\.m3u8\?SessionToken=/);
  });

  it('grants an ON_DEMAND range inside the window, reducing the expiry to the grant cap', async () => {
    const start = nowS() - 2 * HOUR;
    const token = await mint([
      { stream: 'cam-lobby', modes: ['ON_DEMAND'], from: start - 60, to: nowS(), maxExpiresSeconds: 900 },
    ]);
    const res = await post(broker, 'cam-lobby', token, {
      playbackMode: 'ON_DEMAND',
      startTimestamp: new Date(start * 1000).toISOString(),
      endTimestamp: new Date((start + 1800) * 1000).toISOString(),
      expiresInSeconds: 43200,
    });
    expect(res.status).toBe(200);
    urls.push(res.json.url as string);
    expect(res.json).toMatchObject({ playbackMode: 'ON_DEMAND', expiresInSeconds: 900 });
  });

  it('keeps a cached policy right for another granted stream of the same token', async () => {
    const token = await mint([{ stream: 'cam-1' }, { stream: 'cam-lobby' }]);
    expect((await post(broker, 'cam-1', token)).status).toBe(200);
    const second = await post(broker, 'cam-lobby', token);
    expect(second.status).toBe(200);
    urls.push(second.json.url as string);
    expect((await post(broker, 'cam-no-retention', token)).status).toBe(403);
  });

  it('reads partner scopes confined to the issuer streamPrefix', async () => {
    const token = await partnerToken({ scope: 'openid kvs:LIVE:* kvs:ON_DEMAND:cam-1' });
    const res = await post(broker, 'acme-cam-1', token);
    expect(res.status).toBe(200);
    urls.push(res.json.url as string);
    expect((await post(broker, 'cam-1', token)).json.error?.code).toBe('FORBIDDEN');
  });

  it('writes one audit line per decision, without the URL', async () => {
    const lines = auditLines(captured);
    const granted = lines.find(
      (l) => l.outcome === 'GRANTED' && l.stream === 'cam-lobby' && l.playbackMode === 'ON_DEMAND',
    );
    expect(granted).toMatchObject({
      issuer: 'kvs-session-broker-dev',
      sub: 'user-1',
      protocol: 'DASH',
      sourceIp: '127.0.0.1',
      mediaStart: expect.any(String),
      mediaEnd: expect.any(String),
      expiresAt: expect.any(String),
    });
  });
});

describe('errors (DESIGN section 2), through the real handlers', () => {
  it('400 INVALID_REQUEST names the field', async () => {
    const token = await mint([{ stream: '*' }]);
    expect((await post(broker, 'cam-1', token, { protocol: 'DASH', codec: 'h264' })).json).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'codec: unknown field' },
      requestId: expect.any(String),
    });
    expect((await post(broker, 'cam-1', token, '{not json')).json.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'body: must be valid JSON',
    });
    const res = await post(broker, 'cam-1', token, { playbackMode: 'ON_DEMAND' });
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toBe('startTimestamp: required with playbackMode ON_DEMAND');
  });

  it('400 INVALID_REQUEST for a stream name outside the KVS rules', async () => {
    const res = await post(broker, 'cam!1', await mint([{ stream: '*' }]));
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toMatch(/^streamName: /);
  });

  describe('401 UNAUTHORIZED', () => {
    const cases: [string, string | undefined, () => Promise<string | undefined>][] = [
      ['no token', undefined, async () => undefined],
      ['a malformed token', 'MALFORMED_TOKEN', async () => 'not-a-jwt'],
      ['an expired token', 'ERR_JWT_EXPIRED', () => mint([{ stream: '*' }], { exp: nowS() - 120 })],
      [
        'a token not yet valid',
        'ERR_JWT_CLAIM_VALIDATION_FAILED:nbf',
        () => mint([{ stream: '*' }], { nbf: nowS() + 600 }),
      ],
      [
        'a wrong audience',
        'ERR_JWT_CLAIM_VALIDATION_FAILED:aud',
        () => mint([{ stream: '*' }], { aud: 'someone-else' }),
      ],
      [
        'an unknown issuer',
        'UNKNOWN_ISSUER',
        () => mint([{ stream: '*' }], { iss: 'https://evil.example/' }),
      ],
      ['no sub', 'ERR_JWT_CLAIM_VALIDATION_FAILED:sub', () => mint([{ stream: '*' }], { sub: undefined })],
      [
        'a bad signature',
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
        async () => {
          const t = await mint([{ stream: '*' }]);
          const [h, p] = t.split('.');
          return `${h}.${p}.${'A'.repeat(86)}`;
        },
      ],
      [
        'another key with the same kid',
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return partnerToken({ scope: 'kvs:LIVE:*' }, 'RS256', privateKey);
        },
      ],
      [
        'an HS256 token',
        'ERR_JOSE_ALG_NOT_ALLOWED',
        async () =>
          partnerToken(
            { scope: 'kvs:LIVE:*' },
            'HS256',
            await generateSecret('HS256', { extractable: true }),
          ),
      ],
      [
        'alg none',
        'ERR_JOSE_ALG_NOT_ALLOWED',
        async () => {
          const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
          return `${enc({ alg: 'none' })}.${enc({ iss: 'kvs-session-broker-dev', aud: 'kvs-session-broker', sub: 'x', exp: nowS() + 60, kvs: [{ stream: '*' }] })}.`;
        },
      ],
    ];
    it.each(cases)('for %s (audited as %s)', async (_name, reason, token) => {
      const refusedBefore = auditLines(captured).filter((l) => l.message === 'token refused').length;
      const res = await post(broker, 'cam-1', await token());
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
        requestId: expect.any(String),
      });
      const refused = auditLines(captured).filter((l) => l.message === 'token refused');
      if (reason === undefined) {
        // No Authorization header: API Gateway answers alone (its access log records it).
        expect(refused).toHaveLength(refusedBefore);
      } else {
        expect(refused).toHaveLength(refusedBefore + 1);
        expect(refused.at(-1)).toMatchObject({
          outcome: 'DENIED',
          errorCode: 'UNAUTHORIZED',
          reason,
          stream: 'cam-1',
        });
      }
    });
  });

  it('403 FORBIDDEN from the authorizer policy for a stream no grant names', async () => {
    const res = await post(broker, 'cam-lobby', await mint([{ stream: 'cam-1' }]));
    expect(res.status).toBe(403);
    expect(res.json.error?.code).toBe('FORBIDDEN');
  });

  it('403 FORBIDDEN from the broker for a mode or protocol the grant lacks, before KVS is called', async () => {
    const token = await mint([{ stream: 'does-not-exist', protocols: ['DASH'] }]);
    const before = broker.emulator.stats();
    const res = await post(broker, 'does-not-exist', token, { protocol: 'HLS' });
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({
      code: 'FORBIDDEN',
      message: 'Your token does not grant protocol HLS on stream does-not-exist',
    });
    expect(broker.emulator.stats()).toEqual(before);
  });

  it('403 FORBIDDEN outside the grant window', async () => {
    const res = await post(broker, 'cam-1', await mint([{ stream: 'cam-1', to: nowS() - 60 }]));
    expect(res.status).toBe(403);
  });

  it.each([
    ['404 NOT_FOUND for a stream KVS does not know', 'cam-missing', {}, 404, 'NOT_FOUND', undefined],
    [
      '422 STREAM_NOT_PLAYABLE without data retention',
      'cam-no-retention',
      {},
      422,
      'STREAM_NOT_PLAYABLE',
      'NoDataRetentionException',
    ],
    [
      '422 STREAM_NOT_PLAYABLE for an audio-only stream',
      'cam-audio',
      {},
      422,
      'STREAM_NOT_PLAYABLE',
      'UnsupportedStreamMediaTypeException',
    ],
    [
      '422 STREAM_NOT_PLAYABLE without codec private data',
      'cam-no-codec',
      {},
      422,
      'STREAM_NOT_PLAYABLE',
      'MissingCodecPrivateDataException',
    ],
    [
      '502 UPSTREAM_ERROR when our role is not authorized',
      'cam-forbidden-role',
      {},
      502,
      'UPSTREAM_ERROR',
      undefined,
    ],
    ['502 UPSTREAM_ERROR when KVS fails', 'cam-broken', {}, 502, 'UPSTREAM_ERROR', undefined],
    [
      '504 UPSTREAM_TIMEOUT when KVS does not answer in time',
      'cam-slow',
      {},
      504,
      'UPSTREAM_TIMEOUT',
      undefined,
    ],
  ])('%s', async (_name, stream, body, status, code, reason) => {
    const res = await post(broker, stream, await mint([{ stream: '*' }]), body);
    expect(res.status).toBe(status);
    expect(res.json.error?.code).toBe(code);
    expect(res.json.error?.reason).toBe(reason);
    expect(res.json.requestId).toEqual(expect.any(String));
  });

  it('400 INVALID_REQUEST, not a 500, for a malformed %-escape in the path', async () => {
    const res = await post(broker, 'cam%E0%A4%A', await mint([{ stream: '*' }]));
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe('INVALID_REQUEST');
  });

  it('400 INVALID_REQUEST, not a 500, for a request target that is no URL', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(broker.url).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('GET //[x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1))).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'The request parameters are malformed' },
      requestId: expect.any(String),
    });
  });

  it('404 NOT_FOUND for a route that does not exist', async () => {
    const res = await fetch(`${broker.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

// Last, over everything the handlers wrote during this file (jest runs a file's tests in order).
it('never logged a JWT, a session URL or a session token (DESIGN section 6)', () => {
  const all = captured.lines.join('');
  expect(tokens.length).toBeGreaterThan(20);
  expect(urls.length).toBeGreaterThan(3);
  for (const token of tokens) expect(all).not.toContain(token);
  for (const url of urls) expect(all).not.toContain(url);
  expect(all).not.toContain('SessionToken');
  expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
});
