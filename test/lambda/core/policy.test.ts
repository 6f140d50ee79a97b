import { POLICY_PATHS } from '../../../lambda/contract/routes';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Grant } from '../../../lambda/core/grants';
import {
  allowPolicy,
  apiStageArn,
  contextGrants,
  createPolicyMemo,
  grantsDigest,
  MAX_ANSWER_BYTES,
  type AuthorizerPolicy,
} from '../../../lambda/core/policy';

const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/v1/streams/cam-1/sessions';
const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';

describe('allowPolicy', () => {
  it('lists every granted stream, not just the one requested, so a cached policy stays right', () => {
    const grants = [
      { stream: 'cam-1', modes: ['LIVE' as const], protocols: ['DASH' as const] },
      { stream: 'site7-*', modes: ['ON_DEMAND' as const], protocols: ['HLS' as const] },
    ];
    expect(
      allowPolicy(ARN, { sub: 'user-1', issuer: 'https://idp/', exp: 1795600800, grants }, POLICY_PATHS),
    ).toEqual({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: [
              `${STAGE}/GET/v1/streams`,
              `${STAGE}/POST/v1/revocations`,
              `${STAGE}/POST/v1/sessions`,
              `${STAGE}/POST/v1/streams/cam-1/sessions`,
              `${STAGE}/GET/v1/streams/cam-1/*`,
              `${STAGE}/POST/v1/streams/site7-*/sessions`,
              `${STAGE}/GET/v1/streams/site7-*/*`,
            ],
          },
        ],
      },
      context: { sub: 'user-1', issuer: 'https://idp/', exp: '1795600800', grants: JSON.stringify(grants) },
    });
  });

  it('allows only discovery and revocation (the broker refuses it without adminScope) to a token without grants', () => {
    const policy = allowPolicy(ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [] }, POLICY_PATHS);
    expect(policy?.policyDocument.Statement[0]?.Resource).toEqual([
      `${STAGE}/GET/v1/streams`,
      `${STAGE}/POST/v1/revocations`,
    ]);
  });

  it.each(['', 'arn:aws:s3:::bucket', 'arn:aws:execute-api:eu-west-1:1:abc'])(
    'refuses the method ARN "%s"',
    (arn) => {
      expect(apiStageArn(arn)).toBeUndefined();
      expect(allowPolicy(arn, { sub: 'u', issuer: 'i', exp: 1, grants: [] }, POLICY_PATHS)).toBeUndefined();
    },
  );
});

// SECURITY.md: the authorizer's whole answer (policy and context) stays under 8 KB for any token within the caps.
describe('allowPolicy size bound', () => {
  // Worst realistic stage ARN: a long region and a 128-character stage name (API Gateway's stage name limit).
  const LONG_STAGE = `arn:aws:execute-api:ap-southeast-2:123456789012:a1b2c3d4e5/${'s'.repeat(128)}`;
  const LONG_ARN = `${LONG_STAGE}/POST/v1/streams/cam-1/sessions`;
  const ISSUER = `https://login.partner-${'x'.repeat(60)}.example.com/oauth2/default`;
  const SUB = '東'.repeat(256); // 256 characters (the sub cap), 3 bytes each in UTF-8
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
  /** IAM resource matching as API Gateway does it: `*` any run of characters, `?` one character. */
  const iamMatches = (resource: string, arn: string) =>
    new RegExp(
      `^${resource
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`,
    ).test(arn);
  const allows = (policy: AuthorizerPolicy, stream: string) =>
    policy.policyDocument.Statement[0]!.Resource.some((r) =>
      iamMatches(r, `${LONG_STAGE}/POST/v1/streams/${stream}/sessions`),
    );
  const fullGrant = (stream: string): Grant => ({
    stream,
    modes: ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'],
    protocols: ['DASH', 'HLS'],
    from: 1764000000,
    to: 1764086400,
    maxExpiresSeconds: 43200,
  });
  // 100 distinct patterns of 256 characters: exact names and 255-character prefixes, sharing no long prefix.
  const worst = Array.from({ length: 100 }, (_, i) =>
    fullGrant(
      i % 2
        ? `${i}-${'n'.repeat(256 - String(i).length - 1)}`
        : `${i}-${'p'.repeat(255 - String(i).length - 1)}*`,
    ),
  );
  const source = { grantsFrom: 'claim' as const, grantsClaim: 'kvs', scopePrefix: 'kvs', streamPrefix: '' };

  it('holds at the cap: 100 grants of 256-character patterns, every stream still allowed by the policy', () => {
    expect(worst.every((g) => g.stream.length === 256)).toBe(true);
    const policy = allowPolicy(
      LONG_ARN,
      { sub: SUB, issuer: ISSUER, exp: 1795600800, grants: worst },
      POLICY_PATHS,
    )!;
    expect(bytes(policy)).toBeLessThan(MAX_ANSWER_BYTES);
    expect(MAX_ANSWER_BYTES).toBe(8192);
    for (const g of worst) expect(allows(policy, g.stream.replace('*', 'x'))).toBe(true);
    // The grants no longer fit the context: the broker re-reads them from the token, bound by their digest.
    expect(policy.context).toEqual({
      sub: SUB,
      issuer: ISSUER,
      exp: '1795600800',
      grantsDigest: grantsDigest(worst),
    });
    const claims = { sub: SUB, iss: ISSUER, exp: 1795600800, kvs: worst };
    expect(contextGrants(policy.context, claims, source)).toEqual(worst);
  });

  it('merges patterns on shared leading characters before it drops the grants from the context', () => {
    // 20 grants under one 100-character stem: exact resources would be ~6.5 KB, grants in the context ~3 KB.
    const stem = 'site-'.padEnd(100, 'z');
    const grants = Array.from({ length: 20 }, (_, i) => ({
      stream: `${stem}${i}`,
      modes: ['LIVE' as const],
      protocols: ['DASH' as const],
    }));
    const policy = allowPolicy(LONG_ARN, { sub: 'u', issuer: 'i', exp: 1, grants }, POLICY_PATHS)!;
    expect(bytes(policy)).toBeLessThan(MAX_ANSWER_BYTES);
    expect(policy.context.grants === JSON.stringify(grants)).toBe(true);
    // Two resources a grant (the session route and the stream's GET routes) do not fit exact: the longest merge
    // that fits is the shared stem.
    expect(policy.policyDocument.Statement[0]!.Resource).toEqual([
      `${LONG_STAGE}/GET/v1/streams`,
      `${LONG_STAGE}/POST/v1/revocations`,
      `${LONG_STAGE}/POST/v1/sessions`,
      `${LONG_STAGE}/POST/v1/streams/${stem}*/sessions`,
      `${LONG_STAGE}/GET/v1/streams/${stem}*/*`,
    ]);
    for (const g of grants) expect(allows(policy, g.stream)).toBe(true);
    // Wider at the gateway (the broker's exact grant check refuses the rest with the same 403), within the merge.
    expect(allows(policy, `${stem}2x`)).toBe(true);
    expect(allows(policy, 'cam-1')).toBe(false);
  });

  it('stays exact when it fits (no merging)', () => {
    const grants = [fullGrant('cam-1'), fullGrant('cam-2')];
    const policy = allowPolicy(LONG_ARN, { sub: 'u', issuer: 'i', exp: 1, grants }, POLICY_PATHS)!;
    expect(policy.policyDocument.Statement[0]!.Resource).toEqual([
      `${LONG_STAGE}/GET/v1/streams`,
      `${LONG_STAGE}/POST/v1/revocations`,
      `${LONG_STAGE}/POST/v1/sessions`,
      `${LONG_STAGE}/POST/v1/streams/cam-1/sessions`,
      `${LONG_STAGE}/GET/v1/streams/cam-1/*`,
      `${LONG_STAGE}/POST/v1/streams/cam-2/sessions`,
      `${LONG_STAGE}/GET/v1/streams/cam-2/*`,
    ]);
  });

  it('holds for any token within the caps, and the policy always allows every granted stream (property)', () => {
    const char = fc.constantFrom(...'abcxyz0-_.');
    // size 'max': lengths spread over the whole range up to the caps, not fast-check's small default.
    const name = fc.array(char, { minLength: 1, maxLength: 256, size: 'max' }).map((a) => a.join(''));
    const pattern = fc.oneof(
      name,
      name.map((n) => `${n.slice(0, 255)}*`),
      fc.constant('*'),
    );
    const arbGrant = pattern.map(fullGrant);
    const sub = fc.oneof(fc.string({ minLength: 1, maxLength: 256 }), fc.constant(SUB));
    fc.assert(
      fc.property(fc.array(arbGrant, { maxLength: 100, size: 'max' }), sub, (grants, principal) => {
        const policy = allowPolicy(
          LONG_ARN,
          { sub: principal, issuer: ISSUER, exp: 1795600800, grants },
          POLICY_PATHS,
        )!;
        expect(bytes(policy)).toBeLessThan(MAX_ANSWER_BYTES);
        for (const g of grants) expect(allows(policy, g.stream.replace('*', 'q'))).toBe(true);
        const claims = { sub: principal, iss: ISSUER, exp: 1795600800, kvs: grants };
        expect(contextGrants(policy.context, claims, source)).toEqual(grants);
      }),
      { numRuns: 200 },
    );
  });
});

describe('allowPolicy with a memo of answer shapes per grant set', () => {
  const STAGE_ARN = `arn:aws:execute-api:ap-southeast-2:123456789012:a1b2c3d4e5/${'s'.repeat(128)}`;
  const arn = `${STAGE_ARN}/POST/v1/streams/cam-1/sessions`;

  it('answers exactly as without it, first time and after, for any sub, around the size bound (property)', () => {
    const name = fc
      .array(fc.constantFrom(...'abz09-_.'), { minLength: 1, maxLength: 256, size: 'max' })
      .map((a) => a.join(''));
    const grant = fc
      .oneof(
        name,
        name.map((n) => `${n.slice(0, 255)}*`),
      )
      .map((stream) => ({
        stream,
        modes: ['LIVE' as const],
        protocols: ['DASH' as const, 'HLS' as const],
      }));
    // Subs of every kind: ASCII, 3-byte and 4-byte UTF-8, characters JSON escapes; the same grant set twice.
    const sub = fc.oneof(
      fc.string({ minLength: 1, maxLength: 256, unit: 'binary' }),
      fc.constantFrom('東'.repeat(256), '😀'.repeat(128), 'a"\\\n'.repeat(60), 'u'),
    );
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 40 }), sub, sub, (grants, first, second) => {
        const memo = createPolicyMemo();
        for (const principal of [first, second, first]) {
          const context = { sub: principal, issuer: 'https://idp/', exp: 1795600800, grants };
          expect(allowPolicy(arn, context, POLICY_PATHS, memo)).toEqual(
            allowPolicy(arn, context, POLICY_PATHS),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers exactly as without it at the size bound itself, byte by byte', () => {
    // An exact answer of 8000-odd bytes, then subs one byte longer each, across MAX_ANSWER_BYTES.
    // 6 grants of two resources each (the session route, the stream's GET routes); one name a character longer, so
    // that the exact answer's size (which grows 2 bytes a sub character) reaches MAX_ANSWER_BYTES - 1
    const grants = Array.from({ length: 6 }, (_, i) => ({
      stream: `cam-${i}-${'n'.repeat(i === 0 ? 151 : 150)}`,
      modes: ['LIVE' as const],
      protocols: ['DASH' as const],
    }));
    const size = (sub: string) =>
      Buffer.byteLength(
        JSON.stringify(allowPolicy(arn, { sub, issuer: 'i', exp: 1795600800, grants }, POLICY_PATHS)),
      );
    // Exact: no pattern widened (these grants name streams exactly, so a widened stream segment ends in `*`).
    const exactAt = (sub: string) =>
      allowPolicy(
        arn,
        {
          sub,
          issuer: 'i',
          exp: 1795600800,
          grants,
        },
        POLICY_PATHS,
      )!.policyDocument.Statement[0]!.Resource.every((r) => !/\/v1\/streams\/[^/]*\*/.test(r));
    let pad = 1;
    while (exactAt('x'.repeat(pad + 1))) pad += 1;
    // The sub is written twice (principalId and context), so the answer grows 2 bytes a character: the last exact
    // one ends 1 or 2 bytes under the bound, whichever the other fields' length leaves.
    expect(MAX_ANSWER_BYTES - size('x'.repeat(pad))).toBeGreaterThanOrEqual(1);
    expect(MAX_ANSWER_BYTES - size('x'.repeat(pad))).toBeLessThanOrEqual(2);
    expect(exactAt('x'.repeat(pad + 1))).toBe(false);
    // Every answer size from a few bytes under the bound to a few over: subs of 1- and 2-byte characters, and
    // an `exp` one digit longer.
    for (const [unit, bytes] of [
      ['x', 1],
      ['é', 2],
    ] as const) {
      for (let n = Math.floor(pad / bytes) - 4; n <= Math.floor(pad / bytes) + 4; n += 1) {
        for (const exp of [1795600800, 17956008000]) {
          const memo = createPolicyMemo();
          const context = { sub: unit.repeat(n), issuer: 'i', exp, grants };
          allowPolicy(arn, { ...context, sub: 'warm' }, POLICY_PATHS, memo);
          expect(allowPolicy(arn, context, POLICY_PATHS, memo)).toEqual(
            allowPolicy(arn, context, POLICY_PATHS),
          );
        }
      }
    }
  });

  it('hands out copies: changing one answer changes no later one', () => {
    const memo = createPolicyMemo();
    const context = {
      sub: 'u',
      issuer: 'i',
      exp: 1,
      grants: [{ stream: 'cam-1', modes: ['LIVE' as const], protocols: ['DASH' as const] }],
    };
    allowPolicy(arn, context, POLICY_PATHS, memo)!.policyDocument.Statement[0]!.Resource.push('tampered');
    expect(allowPolicy(arn, context, POLICY_PATHS, memo)).toEqual(allowPolicy(arn, context, POLICY_PATHS));
  });

  it('stays within its bound: a full memo starts over', () => {
    const memo = createPolicyMemo(3);
    for (let i = 0; i < 10; i += 1) {
      allowPolicy(
        arn,
        {
          sub: 'u',
          issuer: 'i',
          exp: 1,
          grants: [{ stream: `cam-${i}`, modes: ['LIVE' as const], protocols: ['DASH' as const] }],
        },
        POLICY_PATHS,
        memo,
      );
      expect(memo.shapes.size).toBeLessThanOrEqual(3);
    }
  });
});

describe('contextGrants (what the broker reads)', () => {
  const source = { grantsFrom: 'claim' as const, grantsClaim: 'kvs', scopePrefix: 'kvs', streamPrefix: '' };
  const grants: Grant[] = [{ stream: 'cam-1', modes: ['LIVE'], protocols: ['DASH'] }];
  const claims = { sub: 'u', iss: 'i', exp: 100, kvs: grants };
  const slim = { sub: 'u', issuer: 'i', exp: '100', grantsDigest: grantsDigest(grants) };

  it('reads the grants from the context when they are there', () => {
    expect(
      contextGrants(
        { sub: 'u', issuer: 'i', exp: '100', grants: JSON.stringify(grants) },
        undefined,
        undefined,
      ),
    ).toEqual(grants);
  });

  it('re-reads them from the token claims when the digest matches', () => {
    expect(contextGrants(slim, claims, source)).toEqual(grants);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined]>([
    ['grants that are not JSON', { ...slim, grants: '[{' }, claims],
    ['grants that are not an array', { ...slim, grants: '{}' }, claims],
    ['neither grants nor a digest', { sub: 'u', issuer: 'i', exp: '100' }, claims],
    ['no token claims', slim, undefined],
    ['claims of another sub', slim, { ...claims, sub: 'v' }],
    ['claims of another issuer', slim, { ...claims, iss: 'j' }],
    ['claims of another exp', slim, { ...claims, exp: 101 }],
    ['claims whose grants differ from those authorized', slim, { ...claims, kvs: [{ stream: '*' }] }],
  ])('fails closed on %s', (_name, context, tokenClaims) => {
    expect(contextGrants(context, tokenClaims, source)).toBeUndefined();
  });
});
