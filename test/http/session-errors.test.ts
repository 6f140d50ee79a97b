// docs/api.md's error table through the real handlers over HTTP: each test asserts the whole answer (status,
// headers, body with the request id API Gateway sent), so a gateway 403 cannot pass for the broker's, nor a 500
// for a 4xx. One fresh broker per test on a clock fixed at T0.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { generateKeyPair, generateSecret } from 'jose';
import {
  brokerPerTest,
  startPartnerIdp,
  type BrokerFixture,
  type PartnerIdp,
} from '../support/broker-fixture';
import { APP_ORIGIN, UUID, addFaultyStreams, sessionConfig } from './session-config';

let partner: PartnerIdp;
beforeAll(async () => {
  partner = await startPartnerIdp();
});
afterAll(() => partner.close());
const fixture = brokerPerTest({ config: (b) => sessionConfig(partner.jwksUrl)(b), setup: addFaultyStreams });

/** The whole error answer docs/api.md promises: JSON, never cached, the body's requestId is API Gateway's. */
function expectError(
  res: Awaited<ReturnType<BrokerFixture['post']>>,
  status: number,
  error: { code: string; message: string; reason?: string },
  extraHeaders: Record<string, string> = {},
) {
  const requestId = res.headers['x-amzn-requestid'];
  expect(requestId).toMatch(UUID);
  expect(res).toEqual({
    status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-amzn-requestid': requestId,
      ...extraHeaders,
    },
    json: { error, requestId },
  });
}

describe('400 INVALID_REQUEST', () => {
  it('names an unknown body field', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: '*' }]), { protocol: 'DASH', codec: 'h264' });
    expectError(res, 400, { code: 'INVALID_REQUEST', message: 'codec: unknown field' });
  });

  it('refuses a body that is not JSON', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: '*' }]), '{not json');
    expectError(res, 400, { code: 'INVALID_REQUEST', message: 'body: must be valid JSON' });
  });

  it('requires startTimestamp for ON_DEMAND', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: '*' }]), { playbackMode: 'ON_DEMAND' });
    expectError(res, 400, {
      code: 'INVALID_REQUEST',
      message: 'startTimestamp: required with playbackMode ON_DEMAND',
    });
  });

  it('refuses a stream name outside the KVS rules', async () => {
    const f = fixture();
    const res = await f.post('cam!1', await f.mint([{ stream: '*' }]));
    expectError(res, 400, {
      code: 'INVALID_REQUEST',
      message: 'streamName: must be 1 to 256 characters of a-z, A-Z, 0-9, _ . -',
    });
  });

  it('answers a malformed %-escape in the path with 400, not a 500', async () => {
    const f = fixture();
    const res = await f.post('cam%E0%A4%A', await f.mint([{ stream: '*' }]));
    expectError(res, 400, { code: 'INVALID_REQUEST', message: 'The request parameters are malformed' });
  });

  it('answers a request target that is no URL with 400, not a 500', async () => {
    const f = fixture();
    const port = Number(new URL(f.broker.url).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(`GET //[x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
      );
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/\r\nContent-Type: application\/json\r\n/i);
    expect(raw).toMatch(/\r\nCache-Control: no-store\r\n/i);
    expect(JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1))).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'The request parameters are malformed' },
      requestId: expect.stringMatching(UUID),
    });
  });
});

describe('401 UNAUTHORIZED', () => {
  const cases: [string, string | undefined, (f: BrokerFixture) => Promise<string | undefined>][] = [
    ['no token', undefined, async () => undefined],
    ['a malformed token', 'MALFORMED_TOKEN', async () => 'not-a-jwt'],
    [
      'a token expired 120 s ago (past the 30 s tolerance)',
      'ERR_JWT_EXPIRED',
      (f) => f.mint([{ stream: '*' }], { claims: { exp: f.clock.nowS() - 120 } }),
    ],
    [
      'a token not valid for another 600 s',
      'ERR_JWT_CLAIM_VALIDATION_FAILED:nbf',
      (f) => f.mint([{ stream: '*' }], { claims: { nbf: f.clock.nowS() + 600 } }),
    ],
    [
      'a wrong audience',
      'ERR_JWT_CLAIM_VALIDATION_FAILED:aud',
      (f) => f.mint([{ stream: '*' }], { claims: { aud: 'someone-else' } }),
    ],
    [
      'an unknown issuer',
      'UNKNOWN_ISSUER',
      (f) => f.mint([{ stream: '*' }], { claims: { iss: 'https://evil.example/' } }),
    ],
    [
      'no sub',
      'ERR_JWT_CLAIM_VALIDATION_FAILED:sub',
      (f) => f.mint([{ stream: '*' }], { claims: { sub: undefined } }),
    ],
    [
      'a bad signature',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      async (f) => {
        const [h, p] = (await f.mint([{ stream: '*' }])).split('.');
        return f.remember(`${h}.${p}.${'A'.repeat(86)}`);
      },
    ],
    [
      'another key with the same kid',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      async (f) => {
        const { privateKey } = await generateKeyPair('RS256');
        return f.remember(
          await partner.sign({ scope: 'kvs:LIVE:*' }, { nowS: f.clock.nowS(), key: privateKey }),
        );
      },
    ],
    [
      'an HS256 token',
      'ERR_JOSE_ALG_NOT_ALLOWED',
      async (f) =>
        f.remember(
          await partner.sign(
            { scope: 'kvs:LIVE:*' },
            { nowS: f.clock.nowS(), alg: 'HS256', key: await generateSecret('HS256', { extractable: true }) },
          ),
        ),
    ],
    [
      'alg none',
      'ERR_JOSE_ALG_NOT_ALLOWED',
      async (f) => {
        const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const claims = {
          iss: 'kvs-session-broker-dev',
          aud: 'kvs-session-broker',
          sub: 'x',
          exp: f.clock.nowS() + 60,
          kvs: [{ stream: '*' }],
        };
        return f.remember(`${enc({ alg: 'none' })}.${enc(claims)}.`);
      },
    ],
  ];

  it.each(cases)('for %s (audited as %s)', async (_name, reason, token) => {
    const f = fixture();
    const res = await f.post('cam-1', await token(f));
    expectError(
      res,
      401,
      { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
      { 'www-authenticate': 'Bearer error="invalid_token"' }, // RFC 6750 section 3
    );
    const lines = f.audit(res.headers['x-amzn-requestid']);
    if (reason === undefined) {
      // No Authorization header: API Gateway answers alone, without calling the authorizer.
      expect(lines).toEqual([]);
    } else {
      expect(lines).toEqual([
        expect.objectContaining({
          message: 'token refused',
          time: '2026-11-25T10:00:00.000Z',
          outcome: 'DENIED',
          errorCode: 'UNAUTHORIZED',
          reason,
          stream: 'cam-1',
        }),
      ]);
    }
  });
});

describe('403 FORBIDDEN', () => {
  it('comes from the authorizer policy (API Gateway) for a stream no grant names; the broker is not called', async () => {
    const f = fixture();
    const res = await f.post('cam-lobby', await f.mint([{ stream: 'cam-1' }]));
    expectError(res, 403, { code: 'FORBIDDEN', message: 'The token grants no access to this resource' });
    expect(f.captured.lines.join('')).not.toContain('session decision');
  });

  it('comes from the broker for a protocol the grant lacks, before KVS is called', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'does-not-exist', protocols: ['DASH'] }]);
    const before = f.broker.emulator.stats();
    const res = await f.post('does-not-exist', token, { protocol: 'HLS' });
    expectError(res, 403, {
      code: 'FORBIDDEN',
      message: 'Your token does not grant protocol HLS on stream does-not-exist',
    });
    expect(f.broker.emulator.stats()).toEqual(before);
  });

  it('comes from the broker for a playback mode the grant lacks', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: 'cam-1' }]), {
      playbackMode: 'LIVE_REPLAY',
      startTimestamp: f.clock.iso(-60_000),
    });
    expectError(res, 403, {
      code: 'FORBIDDEN',
      message: 'Your token does not grant playbackMode LIVE_REPLAY on stream cam-1',
    });
  });

  it('comes from the broker for LIVE once the grant window ended', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: 'cam-1', to: f.clock.nowS() - 60 }]));
    expectError(res, 403, {
      code: 'FORBIDDEN',
      message: 'The requested media time is outside the window your token grants on stream cam-1',
    });
  });
});

describe('KVS failures', () => {
  it.each([
    [
      '404 NOT_FOUND for a stream KVS does not know',
      'cam-missing',
      404,
      {
        code: 'NOT_FOUND',
        message: 'No such stream, or no fragments in the requested range',
      },
    ],
    [
      '422 STREAM_NOT_PLAYABLE without data retention',
      'cam-no-retention',
      422,
      {
        code: 'STREAM_NOT_PLAYABLE',
        message: 'The stream does not retain data',
        reason: 'NoDataRetentionException',
      },
    ],
    [
      '422 STREAM_NOT_PLAYABLE for an audio-only stream',
      'cam-audio',
      422,
      {
        code: 'STREAM_NOT_PLAYABLE',
        message: 'The stream media type cannot be played over DASH or HLS',
        reason: 'UnsupportedStreamMediaTypeException',
      },
    ],
    [
      '422 STREAM_NOT_PLAYABLE without codec private data',
      'cam-no-codec',
      422,
      {
        code: 'STREAM_NOT_PLAYABLE',
        message: 'The stream has no codec private data',
        reason: 'MissingCodecPrivateDataException',
      },
    ],
    [
      '422 STREAM_NOT_PLAYABLE with invalid codec private data',
      'cam-bad-codec',
      422,
      {
        code: 'STREAM_NOT_PLAYABLE',
        message: 'The stream codec private data is invalid',
        reason: 'InvalidCodecPrivateDataException',
      },
    ],
    [
      '502 UPSTREAM_ERROR when our role is not authorized (reason hidden)',
      'cam-forbidden-role',
      502,
      {
        code: 'UPSTREAM_ERROR',
        message: 'The broker is not authorized to open this stream',
      },
    ],
    [
      '502 UPSTREAM_ERROR when KVS fails',
      'cam-broken',
      502,
      {
        code: 'UPSTREAM_ERROR',
        message: 'Kinesis Video Streams failed to answer',
      },
    ],
    [
      '504 UPSTREAM_TIMEOUT when KVS does not answer within kvs.timeoutMs',
      'cam-slow',
      504,
      {
        code: 'UPSTREAM_TIMEOUT',
        message: 'Kinesis Video Streams did not answer in time',
      },
    ],
  ])('%s', async (_name, stream, status, error) => {
    const f = fixture();
    expectError(await f.post(stream, await f.mint([{ stream: '*' }])), status, error);
  });
});

describe('routes and browsers', () => {
  it('answers a route that does not exist with 404 NOT_FOUND, token or not', async () => {
    const f = fixture();
    expectError(await f.get('/v1/nothing'), 404, { code: 'NOT_FOUND', message: 'No such route' });
    expectError(await f.get('/v1/nothing', await f.mint([{ stream: '*' }])), 404, {
      code: 'NOT_FOUND',
      message: 'No such route',
    });
  });

  it('sends an allowed origin CORS headers on errors too, gateway and broker alike', async () => {
    const f = fixture();
    const cors = {
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-expose-headers': 'Retry-After',
      vary: 'Origin',
    };
    expectError(
      await f.post('cam-1', undefined, undefined, { Origin: APP_ORIGIN }),
      401,
      {
        code: 'UNAUTHORIZED',
        message: 'Missing or invalid bearer token',
      },
      { ...cors, 'www-authenticate': 'Bearer error="invalid_token"' },
    );
    const token = await f.mint([{ stream: 'cam-1' }]);
    expectError(
      await f.post('cam-1', token, { codec: 'x' }, { Origin: APP_ORIGIN }),
      400,
      {
        code: 'INVALID_REQUEST',
        message: 'codec: unknown field',
      },
      cors,
    );
  });
});
