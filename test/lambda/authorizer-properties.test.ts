// Generated cases (fast-check) over claims, grants and requests, from the token to the decision:
// - no decision is wider than the grants the token's claims carry after the issuer's streamPrefix confinement;
// - the authorizer never throws anything but API Gateway's `Unauthorized`, and every Allow it gives stays under
//   8 KB and within the stage; every refusal is audited with a reason from the one list.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createLocalJWKSet, type JWTPayload } from 'jose';
import { createAuthorizer } from '../../lambda/authorizer/authorizer';
import { AUTHORIZER_REFUSALS } from '../../lambda/authorizer/refusals';
import { parseConfig, PLAYBACK_MODES, PROTOCOLS } from '../../lambda/core/config';
import { decide } from '../../lambda/core/decision';
import { readGrants } from '../../lambda/core/grants';
import { hasUnsafeLogChars } from '../../lambda/core/audit';
import type { SessionRequest } from '../../lambda/core/request';
import { auditLines, captureOutput, type Captured } from '../support/local-broker';
import { signingKey, signToken, type SigningKey } from '../support/jwks-server';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const NOW_S = NOW / 1000;
const limits = { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 };

const letters = fc.constantFrom('a', 'b');
const word = (max: number) => fc.array(letters, { minLength: 1, maxLength: max }).map((a) => a.join(''));
/** Mostly the valid value, sometimes a wrong one. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: invalid, weight: 1 });
const rawPattern = mostly(
  fc.oneof(
    word(2),
    word(1).map((w) => `${w}*`),
    fc.constant('*'),
  ),
  fc.constantFrom('a b', '', 'a**'),
);
/** A claim entry as a token might carry it: mostly a grant, sometimes malformed in one field or another. */
const rawEntry = mostly(
  fc
    .record(
      {
        stream: rawPattern,
        modes: mostly(
          fc.uniqueArray(fc.constantFrom(...PLAYBACK_MODES), { minLength: 1 }),
          fc.constantFrom([], ['live'], 'LIVE'),
        ),
        protocols: mostly(
          fc.uniqueArray(fc.constantFrom(...PROTOCOLS), { minLength: 1 }),
          fc.constant(['RTSP']),
        ),
        from: mostly(fc.integer({ min: NOW_S - 4 * 3600, max: NOW_S + 600 }), fc.constant(-1)),
        to: fc.integer({ min: NOW_S - 600, max: NOW_S + 4 * 3600 }),
        maxExpiresSeconds: mostly(fc.integer({ min: 1, max: 43200 }), fc.constant(1.5)),
        extra: fc.constant(true),
      },
      { requiredKeys: ['stream'] },
    )
    .map((g) =>
      Math.abs(g.stream.length % 7) === 6
        ? g
        : Object.fromEntries(Object.entries(g).filter(([k]) => k !== 'extra')),
    ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Whether one raw claim entry, read literally, covers the request (the spec, written out independently). */
function entryCovers(entry: unknown, r: SessionRequest, prefix: string): boolean {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
  const g = entry as Record<string, unknown>;
  if ('extra' in g || typeof g.stream !== 'string' || !/^(\*|[a-z]+\*?)$/.test(g.stream)) return false;
  // A malformed field makes the whole entry no grant (the generator's invalid values, named one by one).
  const validList = (v: unknown, allowed: readonly string[]) =>
    v === undefined || (Array.isArray(v) && v.length > 0 && v.every((x) => allowed.includes(x as string)));
  if (!validList(g.modes, PLAYBACK_MODES) || !validList(g.protocols, PROTOCOLS)) return false;
  if (g.from === -1 || g.maxExpiresSeconds === 1.5) return false;
  const stem = g.stream.endsWith('*') ? g.stream.slice(0, -1) : undefined;
  if (stem === undefined ? g.stream !== r.streamName : !r.streamName.startsWith(stem)) return false;
  if (!r.streamName.startsWith(prefix)) return false;
  const modes = (g.modes as string[] | undefined) ?? ['LIVE'];
  const protocols = (g.protocols as string[] | undefined) ?? ['DASH', 'HLS'];
  if (!modes.includes(r.playbackMode) || !protocols.includes(r.protocol)) return false;
  const from = typeof g.from === 'number' ? g.from * 1000 : -Infinity;
  const to = typeof g.to === 'number' ? g.to * 1000 : Infinity;
  return (r.startMs ?? NOW) >= from && (r.endMs ?? NOW) <= to;
}

const arbRequest: fc.Arbitrary<SessionRequest> = fc
  .record({
    streamName: word(2),
    protocol: fc.constantFrom(...PROTOCOLS),
    playbackMode: fc.constantFrom(...PLAYBACK_MODES),
    start: fc.integer({ min: -3 * 3600, max: 0 }),
    length: fc.integer({ min: 1, max: 3 * 3600 }),
  })
  .map(({ start, length, ...r }) => ({
    ...r,
    fragmentSelectorType: 'SERVER_TIMESTAMP' as const,
    displayFragmentTimestamp: 'NEVER' as const,
    displayFragmentNumber: 'NEVER' as const,
    ...(r.playbackMode === 'LIVE'
      ? {}
      : { startMs: NOW + start * 1000, endMs: NOW + (start + length) * 1000 }),
  }));

describe('from claims to decision', () => {
  it('allows exactly what some claim entry covers, within the issuer streamPrefix (property, both ways)', () => {
    const source = (streamPrefix: string) => ({
      grantsFrom: 'claim' as const,
      grantsClaim: 'kvs',
      scopePrefix: 'kvs',
      streamPrefix,
    });
    fc.assert(
      fc.property(
        fc.array(rawEntry, { maxLength: 5 }),
        fc.constantFrom('', 'a', 'ab'),
        arbRequest,
        (entries, prefix, request) => {
          const { grants } = readGrants({ kvs: entries }, source(prefix));
          const decision = decide(grants, request, NOW, limits);
          const covered = entries.some((e) => entryCovers(e, request, prefix));
          // Both ways: an over-grant (allowed, not covered) and an under-grant (covered, refused) both fail.
          expect(decision.allowed).toBe(covered);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('the authorizer on generated tokens and events', () => {
  const ISSUER = 'https://idp.example.com/';
  const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';
  let key: SigningKey;
  let authorize: ReturnType<typeof createAuthorizer>;
  let captured: Captured;

  beforeAll(async () => {
    key = await signingKey('k1');
    const config = parseConfig({
      issuers: [
        { issuer: ISSUER, jwksUri: 'https://idp.example.com/jwks', audience: 'aud', algorithms: ['ES256'] },
      ],
    });
    captured = captureOutput();
    authorize = createAuthorizer({
      config,
      logger: new Logger({ serviceName: 'test' }),
      keyResolver: () => createLocalJWKSet({ keys: [key.publicJwk] }),
      now: () => new Date(NOW),
    });
  });
  afterAll(() => captured.restore());

  const claims = fc.record(
    {
      iss: mostly(fc.constant(ISSUER), fc.string()),
      aud: mostly(fc.constantFrom('aud', ['x', 'aud']), fc.oneof(fc.constant(['x']), fc.integer())),
      sub: mostly(fc.string({ minLength: 1, maxLength: 300 }), fc.oneof(fc.integer(), fc.constant(''))),
      exp: mostly(fc.integer({ min: NOW_S - 40, max: NOW_S + 1000 }), fc.string()),
      iat: fc.integer({ min: NOW_S - 100, max: NOW_S + 40 }),
      nbf: fc.integer({ min: NOW_S - 100, max: NOW_S + 40 }),
      kvs: mostly(fc.array(rawEntry, { maxLength: 105, size: 'max' }), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: ['iss', 'aud', 'sub', 'exp'] },
  );
  /**
   * Whether a token's claims meet docs/tokens.md, written out independently of the authorizer: this issuer, its
   * audience, a sub fit for the principalId, exp/nbf/iat within the 30 s tolerance, at most 100 grant entries.
   */
  const acceptable = (c: Record<string, unknown>): boolean =>
    c.iss === ISSUER &&
    (c.aud === 'aud' || (Array.isArray(c.aud) && c.aud.includes('aud'))) &&
    typeof c.sub === 'string' &&
    /^[^"\\]{1,256}$/.test(c.sub) &&
    !hasUnsafeLogChars(c.sub) &&
    typeof c.exp === 'number' &&
    c.exp > NOW_S - 30 &&
    (c.nbf === undefined || (c.nbf as number) <= NOW_S + 30) &&
    (c.iat === undefined || (c.iat as number) <= NOW_S + 30) &&
    (Array.isArray(c.kvs) ? c.kvs.length : c.kvs === undefined ? 0 : 1) <= 100;
  const header = mostly(
    claims.map((c) => ({ kind: 'signed' as const, c })),
    fc.string().map((s) => ({ kind: 'raw' as const, s })),
  );
  const methodArn = mostly(
    fc.constantFrom(`${STAGE}/POST/v1/streams/cam-1/sessions`, `${STAGE}/GET/v1/streams`),
    fc.string(),
  );

  it('answers an Allow under 8 KB within the stage to every acceptable token, and Unauthorized with an audited reason to the rest (property)', async () => {
    await fc.assert(
      fc.asyncProperty(header, methodArn, async (h, arn) => {
        const bearer = h.kind === 'signed' ? `Bearer ${await signToken(key, h.c as JWTPayload)}` : h.s;
        const event = {
          type: 'REQUEST',
          methodArn: arn,
          headers: { Authorization: bearer },
          pathParameters: { streamName: 'cam-1' },
          requestContext: { requestId: 'r', extendedRequestId: 'e', identity: { sourceIp: '203.0.113.7' } },
        } as unknown as APIGatewayRequestAuthorizerEvent;
        // The other side: a well-formed token for a method of this stage is never refused.
        const shouldAllow = h.kind === 'signed' && acceptable(h.c) && arn.startsWith(`${STAGE}/`);
        let policy;
        try {
          policy = await authorize(event);
        } catch (error) {
          expect(shouldAllow).toBe(false);
          expect(error).toEqual(new Error('Unauthorized'));
          expect(AUTHORIZER_REFUSALS).toContain(auditLines(captured).at(-1)?.reason);
          captured.lines.length = 0;
          return;
        }
        expect(shouldAllow).toBe(true);
        expect(Buffer.byteLength(JSON.stringify(policy))).toBeLessThan(8192);
        expect(policy.policyDocument.Statement).toEqual([
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: expect.any(Array) },
        ]);
        for (const r of policy.policyDocument.Statement[0]!.Resource)
          expect(r.startsWith(`${STAGE}/`)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
