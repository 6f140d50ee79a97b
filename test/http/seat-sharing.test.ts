// Seats across routes (docs/api.md, Seats) over HTTP against the embedded DynamoDB: a WebRTC viewer takes a seat
// like an HLS or DASH session, and a seat taken for a session KVS then refused is given back (a new seat freed, a
// renewed one put back to its old expiry), so a viewer never loses a seat to a session it did not get.
import { describe, expect, it } from '@jest/globals';
import { brokerPerTest, type BrokerFixture, type HttpResult } from '../support/broker-fixture';
import { viewerConfig } from './viewer-config';

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    ...(viewerConfig({ seatsPerPrincipal: 1 })(baseUrl) as object),
    webrtc: { channelName: 'ch-{stream}' },
  }),
  // Served (config `streams` is every stream) but failing in KVS: 502 for its sessions, after the seat is taken.
  setup: (broker) => broker.emulator.putStream({ name: 'cam-broken', fault: 'InternalServerError' }),
});
const GRANTS = [{ stream: 'cam-*', modes: ['LIVE', 'WEBRTC'] }];
const SESSION_SECONDS = 300;

const webrtc = (f: BrokerFixture, token: string, body: object): Promise<HttpResult> =>
  f.request('/v1/streams/cam-1/webrtc', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const code = (res: HttpResult) => (res.status === 200 ? 200 : `${res.status} ${res.json.error?.code}`);

describe('seats across routes', () => {
  it('gives a WebRTC viewer a seat of its viewerId, shared with its HLS sessions, and refuses another viewerId', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    expect(code(await webrtc(f, token, { viewerId: 'door-tablet' }))).toBe(200);
    // The same device renews over HLS; another device is refused on either route until the seat frees.
    expect(code(await f.post('cam-1', token, { viewerId: 'door-tablet' }))).toBe(200);
    const refused = await webrtc(f, token, { viewerId: 'phone' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(SESSION_SECONDS));
    expect(f.audit(refused.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({ protocol: 'WEBRTC', outcome: 'DENIED', errorCode: 'SEAT_LIMIT' }),
    ]);
    expect(code(await f.post('cam-1', token, { viewerId: 'phone' }))).toBe('429 SEAT_LIMIT');
    f.clock.advance(SESSION_SECONDS * 1000);
    expect(code(await webrtc(f, token, { viewerId: 'phone' }))).toBe(200);
  });

  it('refuses a malformed viewerId on the WebRTC route with the session route message', async () => {
    const f = fixture();
    const res = await webrtc(f, await f.mint(GRANTS), { viewerId: '*' });
    expect(res.json.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'viewerId: must be 1 to 128 of a-z, A-Z, 0-9, _ . : -',
    });
  });

  it('gives back a new seat taken for a session KVS refused: the next viewer gets it', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    expect(code(await f.post('cam-broken', token, { viewerId: 'phone' }))).toBe('502 UPSTREAM_ERROR');
    expect(code(await f.post('cam-1', token, { viewerId: 'tv' }))).toBe(200);
  });

  it("puts a renewed seat back to its old expiry when KVS refuses the renewal's session", async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    expect(code(await f.post('cam-1', token, { viewerId: 'phone' }))).toBe(200);
    f.clock.advance(60_000);
    expect(code(await f.post('cam-broken', token, { viewerId: 'phone' }))).toBe('502 UPSTREAM_ERROR');
    // Held until the first session's expiry (300 s), not the failed renewal's (360 s).
    f.clock.advance((SESSION_SECONDS - 60) * 1000);
    expect(code(await f.post('cam-1', token, { viewerId: 'tv' }))).toBe(200);
  });

  it('keeps the seat a grid shares when one of its entries fails in KVS: the other entry still holds it', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    const grid = await f.request('/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        sessions: [
          { streamName: 'cam-broken', viewerId: 'phone' },
          { streamName: 'cam-1', viewerId: 'phone' },
        ],
      }),
    });
    expect(grid.status).toBe(200);
    const entries = (grid.json as unknown as { sessions: { url?: string; error?: { code: string } }[] })
      .sessions;
    expect(entries.map((e) => e.error?.code ?? 'ok')).toEqual(['UPSTREAM_ERROR', 'ok']);
    // The cam-1 session plays on the seat: another device must wait, however the two entries raced.
    expect(code(await f.post('cam-1', token, { viewerId: 'tv' }))).toBe('429 SEAT_LIMIT');
  });
});
