// POST /v1/streams/{streamName}/sessions granted end to end over HTTP: local API Gateway -> real authorizer (jose,
// loopback JWKS) -> real broker (middy) -> real AWS SDK clients -> KVS emulator. One fresh broker per test on a
// clock fixed at T0, so every expiry and audit time is exact and the tests run alone or in any order.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  brokerPerTest,
  expectNoSecretsLogged,
  startPartnerIdp,
  type PartnerIdp,
} from '../support/broker-fixture';
import { APP_ORIGIN, UUID, addFaultyStreams, sessionConfig } from './session-config';

const HOUR_MS = 3_600_000;
let partner: PartnerIdp;
beforeAll(async () => {
  partner = await startPartnerIdp();
});
afterAll(() => partner.close());
const fixture = brokerPerTest({ config: (b) => sessionConfig(partner.jwksUrl)(b), setup: addFaultyStreams });

const DASH_URL = /^http:\/\/127\.0\.0\.1:\d+\/dash\/v1\/getDASHManifest\.mpd\?SessionToken=[^&]+$/;
const HLS_URL = /^http:\/\/127\.0\.0\.1:\d+\/hls\/v1\/getHLSMasterPlaylist\.m3u8\?SessionToken=[^&]+$/;
const JSON_NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store' };

describe('granted sessions', () => {
  it('returns a DASH LIVE URL expiring 300 s (the config default) from now, never cacheable', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: 'cam-1' }]));
    expect(res).toEqual({
      status: 200,
      headers: { ...JSON_NO_STORE, 'x-amzn-requestid': expect.stringMatching(UUID) },
      json: {
        url: expect.stringMatching(DASH_URL),
        protocol: 'DASH',
        streamName: 'cam-1',
        playbackMode: 'LIVE',
        expiresAt: '2026-11-25T10:05:00.000Z',
        expiresInSeconds: 300,
      },
    });
  });

  it('returns an HLS MPEG-TS URL for iOS players under a prefix grant', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-*', protocols: ['HLS'] }]);
    const res = await f.post('cam-1', token, {
      protocol: 'HLS',
      containerFormat: 'MPEG_TS',
      displayFragmentTimestamp: 'ALWAYS',
    });
    expect(res.json).toEqual({
      url: expect.stringMatching(HLS_URL),
      protocol: 'HLS',
      streamName: 'cam-1',
      playbackMode: 'LIVE',
      expiresAt: '2026-11-25T10:05:00.000Z',
      expiresInSeconds: 300,
    });
  });

  it('grants an ON_DEMAND range inside the window, reducing the expiry to the grant cap', async () => {
    const f = fixture();
    const start = f.clock.now() - 2 * HOUR_MS;
    const token = await f.mint([
      {
        stream: 'cam-lobby',
        modes: ['ON_DEMAND'],
        from: start / 1000 - 60,
        to: f.clock.nowS(),
        maxExpiresSeconds: 900,
      },
    ]);
    const res = await f.post('cam-lobby', token, {
      playbackMode: 'ON_DEMAND',
      startTimestamp: '2026-11-25T08:00:00Z',
      endTimestamp: '2026-11-25T08:30:00Z',
      expiresInSeconds: 43200,
    });
    expect(res.json).toEqual({
      url: expect.stringMatching(DASH_URL),
      protocol: 'DASH',
      streamName: 'cam-lobby',
      playbackMode: 'ON_DEMAND',
      expiresAt: '2026-11-25T10:15:00.000Z',
      expiresInSeconds: 900,
    });
  });

  it('refuses PRODUCER_TIMESTAMP under a grant window with 403 and the reason (docs/tokens.md)', async () => {
    const f = fixture();
    const token = await f.mint([
      { stream: 'cam-lobby', modes: ['ON_DEMAND'], from: f.clock.nowS() - 86400, to: f.clock.nowS() },
    ]);
    const res = await f.post('cam-lobby', token, {
      playbackMode: 'ON_DEMAND',
      fragmentSelectorType: 'PRODUCER_TIMESTAMP',
      startTimestamp: '2026-11-25T08:00:00Z',
      endTimestamp: '2026-11-25T08:30:00Z',
    });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({
      error: {
        code: 'FORBIDDEN',
        message:
          'Your token grants a media time window on stream cam-lobby: use fragmentSelectorType SERVER_TIMESTAMP',
      },
    });
    expect(f.audit(res.headers['x-amzn-requestid'])).toMatchObject([{ reason: 'SELECTOR_NOT_GRANTED' }]);
  });

  it('keeps a cached policy right for every stream of the same token (docs/ARCHITECTURE.md)', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }, { stream: 'cam-lobby' }]);
    expect((await f.post('cam-1', token)).status).toBe(200);
    // Answered from the authorizer cache, filled by the first call for cam-1.
    const second = await f.post('cam-lobby', token);
    expect(second.json).toMatchObject({ streamName: 'cam-lobby', url: expect.stringMatching(DASH_URL) });
    const third = await f.post('cam-no-retention', token);
    expect(third.json).toEqual({
      error: { code: 'FORBIDDEN', message: 'The token grants no access to this resource' },
      requestId: third.headers['x-amzn-requestid'],
    });
    expect(third.status).toBe(403);
    expect(f.captured.lines.join('')).toContain('token accepted');
    expect(f.captured.lines.join('').match(/"token accepted"/g)).toHaveLength(1);
  });

  it('reads partner scopes, confined to the issuer streamPrefix', async () => {
    const f = fixture();
    const token = f.remember(
      await partner.sign({ scope: 'openid kvs:LIVE:* kvs:ON_DEMAND:cam-1' }, { nowS: f.clock.nowS() }),
    );
    const inside = await f.post('acme-cam-1', token);
    expect(inside.json).toMatchObject({ streamName: 'acme-cam-1', playbackMode: 'LIVE' });
    const outside = await f.post('cam-1', token);
    expect({ status: outside.status, json: outside.json }).toEqual({
      status: 403,
      json: {
        error: { code: 'FORBIDDEN', message: 'The token grants no access to this resource' },
        requestId: outside.headers['x-amzn-requestid'],
      },
    });
  });

  it('answers an allowed browser origin with CORS headers, and an unlisted one without', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }]);
    const allowed = await f.post('cam-1', token, undefined, { Origin: APP_ORIGIN });
    expect(allowed.headers).toEqual({
      ...JSON_NO_STORE,
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-expose-headers': 'Retry-After',
      vary: 'Origin',
      'x-amzn-requestid': expect.stringMatching(UUID),
    });
    const other = await f.post('cam-1', token, undefined, { Origin: 'https://evil.example' });
    expect(other.headers).toEqual({ ...JSON_NO_STORE, 'x-amzn-requestid': expect.stringMatching(UUID) });
  });
});

describe('audit (README (Observability and audit))', () => {
  it('writes exactly one line for a granted session, with its media window and expiry', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-lobby', modes: ['ON_DEMAND'], maxExpiresSeconds: 900 }]);
    const res = await f.post(
      'cam-lobby',
      token,
      {
        playbackMode: 'ON_DEMAND',
        startTimestamp: '2026-11-25T08:00:00Z',
        endTimestamp: '2026-11-25T08:30:00Z',
      },
      { 'User-Agent': 'ExoPlayer/2.19' },
    );
    expect(res.status).toBe(200);
    const lines = f.audit(res.headers['x-amzn-requestid']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      message: 'session decision',
      audit: 'kvs-session',
      time: '2026-11-25T10:00:00.000Z',
      requestId: res.headers['x-amzn-requestid'],
      issuer: 'kvs-session-broker-dev',
      sub: 'user-1',
      stream: 'cam-lobby',
      protocol: 'DASH',
      playbackMode: 'ON_DEMAND',
      mediaStart: '2026-11-25T08:00:00.000Z',
      mediaEnd: '2026-11-25T08:30:00.000Z',
      expiresAt: '2026-11-25T10:05:00.000Z',
      sourceIp: '127.0.0.1',
      userAgent: 'ExoPlayer/2.19',
      outcome: 'GRANTED',
    });
    expect(lines[0]).not.toHaveProperty('errorCode');
  });

  it('writes exactly one line per decision, whoever decided: broker, authorizer or request rules', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1', protocols: ['DASH'] }]);
    const decisions = [
      [await f.post('cam-1', token), 'GRANTED', undefined, undefined],
      [await f.post('cam-1', token, { protocol: 'HLS' }), 'DENIED', 'FORBIDDEN', 'PROTOCOL_NOT_GRANTED'],
      [await f.post('cam-1', token, { codec: 'h264' }), 'DENIED', 'INVALID_REQUEST', undefined],
      [await f.post('cam-1', 'not-a-jwt'), 'DENIED', 'UNAUTHORIZED', 'MALFORMED_TOKEN'],
    ] as const;
    for (const [res, outcome, errorCode, reason] of decisions) {
      const lines = f.audit(res.headers['x-amzn-requestid']);
      expect(lines).toHaveLength(1);
      expect({
        outcome: lines[0]!.outcome,
        errorCode: lines[0]!.errorCode,
        stream: lines[0]!.stream,
      }).toEqual({
        outcome,
        errorCode,
        stream: 'cam-1',
      });
      if (reason !== undefined) expect(lines[0]!.reason).toBe(reason);
    }
    expect(f.audit(undefined)).toEqual([]);
  });

  it('writes a KVS failure as FAILED with the exception, and a refused KVS answer as DENIED', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: '*' }]);
    const failed = await f.post('cam-broken', token);
    const denied = await f.post('cam-missing', token);
    expect(f.audit(failed.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({
        outcome: 'FAILED',
        errorCode: 'UPSTREAM_ERROR',
        stream: 'cam-broken',
        reason: 'InternalFailure: Stream cam-broken is set to fail with an internal error.',
      }),
    ]);
    expect(f.audit(denied.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({ outcome: 'DENIED', errorCode: 'NOT_FOUND', stream: 'cam-missing' }),
    ]);
  });
});

describe('no secrets in the log (README (Observability and audit))', () => {
  // brokerPerTest checks after every test that no token it minted and no URL it received reached the log.
  // These prove that check can fail, so its silence means something.
  it.each([
    ['a JWT it minted', (token: string) => `{"message":"debug","auth":"${token}"}`],
    ['any JWT-shaped string', () => '{"t":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig"}'],
    ['a session URL', (_t: string, url: string) => `{"url":"${url}"}`],
    [
      'a session token alone',
      (_t: string, url: string) => `{"t":"${new URL(url).searchParams.get('SessionToken')}"}`,
    ],
  ])('the check fails on %s', async (_what, line) => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }]);
    const res = await f.post('cam-1', token);
    const url = res.json.url as string;
    const planted = { lines: [...f.captured.lines, line(token, url)], restore: () => undefined };
    expect(() => expectNoSecretsLogged(f.captured, [token], [url])).not.toThrow();
    expect(() => expectNoSecretsLogged(planted, [token], [url])).toThrow();
  });
});
