// The issuer key resolver (SECURITY.md, identity providers) against a real loopback JWKS server that rotates keys,
// fails, stalls, drips and sends too much. Cache age and cooldown run on an injected clock and the fetch deadline
// on an injected signal the test ends itself: no test waits for real time to pass.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { errors, jwtVerify } from 'jose';
import {
  createJwksResolver,
  IdpUnavailable,
  JWKS_COOLDOWN_MS,
  JWKS_FRESH_MS,
  JWKS_MAX_BYTES,
  JWKS_STALE_MS,
  JWKS_TIMEOUT_MS,
} from '../../lambda/authorizer/jwks';
import {
  signingKey,
  signToken,
  startJwksServer,
  type JwksBehaviour,
  type JwksServer,
  type SigningKey,
} from '../support/jwks-server';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
let server: JwksServer;
let k1: SigningKey;
let k2: SigningKey;
let clock: number;
let fetchErrors: string[];

beforeAll(async () => {
  [k1, k2] = await Promise.all([signingKey('k1'), signingKey('k2')]);
  server = await startJwksServer([k1.publicJwk]);
});
afterAll(() => server.close());
afterEach(() => {
  server.behaviour = 'ok';
  server.keys = [k1.publicJwk];
});

/** The fetch deadlines asked for (in ms), each ended only when the test says its time has passed. */
let deadlines: { ms: number; controller: AbortController }[];
const deadline = (ms: number) => {
  const controller = new AbortController();
  deadlines.push({ ms, controller });
  return controller.signal;
};
/** Lets the I/O run until `done` holds (a request reached the server, a byte went out): no clock is read. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

function resolver(bounds: { timeoutMs?: number; maxBytes?: number } = {}) {
  clock = T0;
  fetchErrors = [];
  deadlines = [];
  return createJwksResolver({
    url: server.url,
    now: () => clock,
    onFetchError: (detail) => fetchErrors.push(detail),
    deadline,
    ...bounds,
  });
}

const token = (key: SigningKey, kid?: string) =>
  signToken(key, { sub: 'alice', exp: T0 / 1000 + 48 * 3600 }, kid ? { kid } : {});
const verify = async (getKey: ReturnType<typeof resolver>, key: SigningKey, kid?: string) =>
  (await jwtVerify(await token(key, kid), getKey, { currentDate: new Date(T0) })).payload.sub;

describe('the JWKS resolver', () => {
  it('has the bounds of API Gateway JWT authorizers and SECURITY.md', () => {
    expect([JWKS_MAX_BYTES, JWKS_TIMEOUT_MS, JWKS_FRESH_MS, JWKS_STALE_MS, JWKS_COOLDOWN_MS]).toEqual([
      150 * 1024,
      1500,
      10 * MINUTE,
      24 * 60 * MINUTE,
      30_000,
    ]);
  });

  it('fetches once and uses the keys while they are fresh (10 min), then fetches again', async () => {
    const getKey = resolver();
    const before = server.fetches;
    expect(await verify(getKey, k1)).toBe('alice');
    clock = T0 + 10 * MINUTE - 1;
    expect(await verify(getKey, k1)).toBe('alice');
    expect(server.fetches - before).toBe(1);
    clock = T0 + 10 * MINUTE;
    expect(await verify(getKey, k1)).toBe('alice');
    expect(server.fetches - before).toBe(2);
  });

  it('shares one fetch among concurrent requests (single flight)', async () => {
    const getKey = resolver();
    const before = server.fetches;
    await Promise.all(Array.from({ length: 10 }, () => verify(getKey, k1)));
    expect(server.fetches - before).toBe(1);
  });

  it('picks up a rotated key without a redeploy, and drops a key the IdP no longer serves', async () => {
    const getKey = resolver();
    const before = server.fetches;
    await verify(getKey, k1);
    server.keys = [k2.publicJwk];
    clock = T0 + JWKS_COOLDOWN_MS;
    expect(await verify(getKey, k2)).toBe('alice'); // unknown kid: refetched
    expect(server.fetches - before).toBe(2);
    await expect(verify(getKey, k1)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('refetches for an unknown kid at most once per 30 s cooldown, and refuses it as a bad token', async () => {
    const getKey = resolver();
    const before = server.fetches;
    await verify(getKey, k1);
    clock = T0 + JWKS_COOLDOWN_MS - 1;
    const unknown = Array.from({ length: 40 }, (_, i) => verify(getKey, k1, `random-${i}`));
    for (const attempt of unknown) await expect(attempt).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.fetches - before).toBe(1);
    clock = T0 + JWKS_COOLDOWN_MS;
    await expect(verify(getKey, k1, 'random-x')).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.fetches - before).toBe(2);
  });

  it('makes one fetch for 40 random kids while the IdP fails, and refuses them as an outage', async () => {
    const getKey = resolver();
    const before = server.fetches;
    await verify(getKey, k1);
    server.behaviour = 'status-500';
    clock = T0 + JWKS_COOLDOWN_MS;
    const attempts = Array.from({ length: 40 }, (_, i) => verify(getKey, k1, `random-${i}`));
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(IdpUnavailable);
    expect(server.fetches - before).toBe(2);
    expect(await verify(getKey, k1)).toBe('alice'); // the known key still works
  });

  it('keeps the keys it last fetched in use for 24 h while the IdP fails (stale-if-error)', async () => {
    const getKey = resolver();
    await verify(getKey, k1);
    server.behaviour = 'status-500';
    clock = T0 + 11 * MINUTE;
    expect(await verify(getKey, k1)).toBe('alice');
    expect(fetchErrors).toEqual(['HTTP 500']);
    clock = T0 + JWKS_STALE_MS - 1;
    expect(await verify(getKey, k1)).toBe('alice');
    clock = T0 + JWKS_STALE_MS;
    await expect(verify(getKey, k1)).rejects.toThrow(new IdpUnavailable('HTTP 500'));
  });

  it('blocks new fetches for 30 s after a failed one', async () => {
    const getKey = resolver();
    const before = server.fetches;
    server.behaviour = 'status-500';
    await expect(verify(getKey, k1)).rejects.toBeInstanceOf(IdpUnavailable);
    server.behaviour = 'ok';
    clock = T0 + JWKS_COOLDOWN_MS - 1;
    await expect(verify(getKey, k1)).rejects.toBeInstanceOf(IdpUnavailable);
    expect(server.fetches - before).toBe(1);
    clock = T0 + JWKS_COOLDOWN_MS;
    expect(await verify(getKey, k1)).toBe('alice');
    expect(server.fetches - before).toBe(2);
  });

  it.each<[JwksBehaviour, RegExp]>([
    ['status-500', /^HTTP 500$/],
    ['reset', /^fetch failed: (ECONNRESET|UND_ERR_SOCKET)$/],
    ['too-large', /^larger than 153600 bytes$/],
    ['too-large-chunked', /^larger than 153600 bytes$/],
    ['too-large-declared', /^larger than 153600 bytes$/],
    ['redirect', /^fetch failed: unexpected redirect$/],
    ['not-json', /JSON/],
  ])(
    'counts a JWKS answer that is %s as a failed fetch, before its deadline: an outage, never a key',
    async (behaviour, detail) => {
      const getKey = resolver();
      server.behaviour = behaviour;
      await expect(verify(getKey, k1)).rejects.toBeInstanceOf(IdpUnavailable);
      expect(deadlines.map((d) => [d.ms, d.controller.signal.aborted])).toEqual([[JWKS_TIMEOUT_MS, false]]);
      expect(fetchErrors).toEqual([expect.stringMatching(detail)]);
    },
  );

  it.each<[JwksBehaviour, () => boolean]>([
    ['stall', () => server.fetches > 0],
    // headers are in and the body is being read: the deadline covers the body too
    ['drip', () => server.dripped > 1],
  ])('gives up on an IdP that is %s when its deadline passes', async (behaviour, holding) => {
    const getKey = resolver({ timeoutMs: 300 });
    server.behaviour = behaviour;
    const outcome = verify(getKey, k1);
    await until(() => holding() && deadlines.length === 1);
    expect(fetchErrors).toEqual([]); // still waiting for the IdP
    deadlines[0]!.controller.abort(new DOMException('deadline', 'TimeoutError'));
    await expect(outcome).rejects.toBeInstanceOf(IdpUnavailable);
    expect(deadlines[0]!.ms).toBe(300);
    expect(fetchErrors).toEqual(['no answer within 300 ms']);
  });

  it('gives a JWKS fetch 1.5 s by default, as API Gateway does', async () => {
    const getKey = resolver();
    server.behaviour = 'stall';
    const outcome = verify(getKey, k1);
    await until(() => server.fetches > 0 && deadlines.length === 1);
    expect(deadlines[0]!.ms).toBe(1500);
    deadlines[0]!.controller.abort(new DOMException('deadline', 'TimeoutError'));
    await expect(outcome).rejects.toBeInstanceOf(IdpUnavailable);
    expect(fetchErrors).toEqual(['no answer within 1500 ms']);
  });

  it('accepts a JWKS just under 150 KB', async () => {
    const getKey = resolver();
    const padding = { kty: 'oct', kid: 'padding', k: 'a'.repeat(140 * 1024) }; // ignored: not a signing key here
    server.keys = [k1.publicJwk, padding];
    expect(await verify(getKey, k1)).toBe('alice');
  });
});
