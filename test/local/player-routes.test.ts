// The player's HTTP side without a browser: the page and its assets under /player, and the dev token endpoint.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from '../../local/player/routes';
import { captureOutput, type Captured } from '../support/local-broker';

let captured: Captured;
let withDev: LocalBroker;
let withoutDev: LocalBroker;

/** A broker whose extra routes are the player's, built once the broker (and its dev issuer) exists. */
async function startWithPlayer(devTokens: boolean): Promise<LocalBroker> {
  let player: PlayerRoutes = async () => false;
  const broker = await startLocalBroker({
    devKey: await generateDevKey(),
    extraRoutes: (req, res, url) => player(req, res, url),
  });
  player = createPlayerRoutes(devTokens ? { devIssuer: broker.devIssuer } : {});
  return broker;
}

function mint(body: unknown, headers: Record<string, string> = {}, broker = withDev) {
  return fetch(`${broker.url}/player/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

beforeAll(async () => {
  captured = captureOutput();
  withDev = await startWithPlayer(true);
  withoutDev = await startWithPlayer(false);
});

afterAll(async () => {
  captured.restore();
  await Promise.all([withDev?.close(), withoutDev?.close()]);
});

describe('GET /player', () => {
  it('serves the page with a strict content security policy and the dev token switch on', async () => {
    const res = await fetch(`${withDev.url}/player`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('data-dev-tokens="on"');
    expect(html).toContain('<video id="video" muted autoplay playsinline');
  });

  it('turns the dev token button off when the server has no dev issuer', async () => {
    const html = await (await fetch(`${withoutDev.url}/player/`)).text();
    expect(html).toContain('data-dev-tokens="off"');
  });

  it.each([
    ['/player/client.js', 'text/javascript; charset=utf-8', 'player page'],
    ['/player/player.css', 'text/css; charset=utf-8', ':root'],
    ['/player/archive.css', 'text/css; charset=utf-8', '.timeline-gap'],
    ['/player/vendor/dash.all.min.js', 'text/javascript; charset=utf-8', 'dashjs'],
    ['/player/vendor/hls.min.js', 'text/javascript; charset=utf-8', 'Hls'],
  ])('serves %s', async (path, type, excerpt) => {
    const res = await fetch(`${withDev.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(await res.text()).toContain(excerpt);
  });

  it('answers an unknown asset with a JSON NOT_FOUND, not the API', async () => {
    const res = await fetch(`${withDev.url}/player/nope.js`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: '/player/nope.js is not a player asset' },
      requestId: expect.any(String),
    });
  });

  it('leaves other paths to the API', async () => {
    const res = await fetch(`${withDev.url}/v1/streams`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });
});

describe('POST /player/token', () => {
  it('mints a dev token that the broker accepts for exactly its grants', async () => {
    const res = await mint({
      sub: 'player-dev',
      grants: [{ stream: 'cam-1', modes: ['LIVE', 'ON_DEMAND'] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const listed = await fetch(`${withDev.url}/v1/streams`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await listed.json()).toEqual({
      streams: [{ streamName: 'cam-1', modes: ['LIVE', 'ON_DEMAND'], protocols: ['DASH', 'HLS'] }],
    });
  });

  it.each([
    ['not JSON', '{', 'body: must be valid JSON'],
    ['not an object', '[]', 'body: must be a JSON object'],
    ['an unknown field', { sub: 'a', grants: [{ stream: 'x' }], admin: true }, 'admin: unknown field'],
    ['no sub', { grants: [{ stream: 'x' }] }, 'sub: must be a string of 1 to 256 characters'],
    ['no grants', { sub: 'a', grants: [] }, 'grants: must be an array of 1 to 20 grants'],
    [
      'a malformed grant',
      { sub: 'a', grants: [{ stream: 'cam-1' }, { stream: 'cam 2' }] },
      'grants[1]: must be a grant { stream, modes?, protocols?, from?, to?, maxExpiresSeconds? }',
    ],
    [
      'a grant with an unknown mode',
      { sub: 'a', grants: [{ stream: 'cam-1', modes: ['REWIND'] }] },
      'grants[0]: must be a grant { stream, modes?, protocols?, from?, to?, maxExpiresSeconds? }',
    ],
    [
      'a too long expiry',
      { sub: 'a', grants: [{ stream: 'x' }], expiresInSeconds: 86401 },
      'expiresInSeconds: must be an integer from 60 to 86400',
    ],
  ])('refuses %s with INVALID_REQUEST', async (_case, body, message) => {
    const res = await mint(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'INVALID_REQUEST', message },
      requestId: expect.any(String),
    });
  });

  it('refuses a body that is not declared JSON (a cross-site form could send it)', async () => {
    const res = await mint({ sub: 'a', grants: [{ stream: 'x' }] }, { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'Content-Type: must be application/json',
    });
  });

  it('refuses a request from another origin', async () => {
    const res = await mint({ sub: 'a', grants: [{ stream: 'x' }] }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: 'FORBIDDEN',
      message: 'Dev tokens are minted for the player page on this server only',
    });
  });

  it('accepts the page itself as the origin', async () => {
    const res = await mint({ sub: 'a', grants: [{ stream: 'x' }] }, { Origin: withDev.url });
    expect(res.status).toBe(200);
  });

  it('answers other methods with INVALID_REQUEST and Allow: POST', async () => {
    const res = await fetch(`${withDev.url}/player/token`);
    expect(res.status).toBe(400);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('is NOT_FOUND when the server has no dev issuer', async () => {
    const res = await mint({ sub: 'a', grants: [{ stream: 'x' }] }, {}, withoutDev);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: 'NOT_FOUND',
      message: 'The dev issuer is off on this server: paste a token instead',
    });
  });
});
