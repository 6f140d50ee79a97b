// The authorizer policy at its edges (SECURITY.md: the answer stays under 8 KB; docs/ARCHITECTURE.md): method ARNs,
// widening a pattern exactly at `keep`, routes for some grant modes, and the size bound exactly at MAX_ANSWER_BYTES.
import { describe, expect, it } from '@jest/globals';
import { POLICY_PATHS } from '../../../lambda/contract/routes';
import {
  allowPolicy,
  apiStageArn,
  encodeContext,
  grantedResources,
  grantsDigest,
  MAX_ANSWER_BYTES,
  policyResources,
  type AuthorizerContext,
  type AuthorizerPolicy,
} from '../../../lambda/core/policy';
import { ARN, bytes, live, STAGE } from './policy-fixtures';

const resourcesOf = (policy: AuthorizerPolicy) =>
  policy.policyDocument.Statement[0]!.Resource.map((r) => r.slice(STAGE.length));

describe('apiStageArn', () => {
  it('reads the stage of a method ARN', () => {
    expect(apiStageArn(ARN)).toBe(STAGE);
  });

  it('refuses a method ARN with anything before `arn:` (the shape is matched from the start)', () => {
    expect(apiStageArn(`x${ARN}`)).toBeUndefined();
    expect(apiStageArn(`evil/${ARN}`)).toBeUndefined();
  });
});

describe('grantedResources with keep (a pattern widened to at most keep characters before its `*`)', () => {
  const streamsAt = (patterns: string[], keep: number) =>
    grantedResources(STAGE, patterns.map(live), POLICY_PATHS, keep)
      .filter((r) => r.endsWith('/sessions') && r.includes('/v1/streams/'))
      .map((r) => r.slice(`${STAGE}/POST/v1/streams/`.length, -'/sessions'.length));

  it.each<[string, number, string]>([
    ['abc', 3, 'abc'], // an exact name of exactly `keep` characters stays exact
    ['ab', 3, 'ab'],
    ['abcd', 3, 'abc*'],
    ['abc*', 3, 'abc*'], // a prefix of exactly `keep` characters stays as it is
    ['abcd*', 3, 'abc*'],
    ['abcdef*', 3, 'abc*'],
    ['abcdef*', 1, 'a*'],
    ['abc', 0, '*'],
    ['abc*', 0, '*'],
    ['*', 0, '*'],
    ['*', 3, '*'],
    ['abcdef*', Infinity, 'abcdef*'],
  ])('%s with keep %d is %s', (pattern, keep, widened) => {
    expect(streamsAt([pattern], keep)).toEqual([widened]);
  });

  it('merges the patterns that share their first keep characters', () => {
    expect(streamsAt(['site1-a', 'site1-b*', 'site1', 'site2-a'], 5)).toEqual(['site1*', 'site1', 'site2*']);
  });
});

describe('policyResources for a route of some grant modes only', () => {
  const paths = {
    anyCaller: [],
    anyGrant: [],
    eachGrant: [{ parts: ['/POST/v1/streams/', '/call'], grantModes: ['WEBRTC', 'LIVE'] }],
  };

  it('lists the route for a grant holding any one of its modes', () => {
    expect(policyResources(STAGE, [{ stream: 'cam-1', modes: ['LIVE'] }], paths)).toEqual([
      `${STAGE}/POST/v1/streams/cam-1/call`,
    ]);
    expect(policyResources(STAGE, [{ stream: 'cam-2', modes: ['ON_DEMAND', 'WEBRTC'] }], paths)).toEqual([
      `${STAGE}/POST/v1/streams/cam-2/call`,
    ]);
  });

  it('does not list it for a grant holding none of them, nor for a bare pattern (no modes)', () => {
    expect(policyResources(STAGE, [{ stream: 'cam-1', modes: ['ON_DEMAND'] }, 'cam-2'], paths)).toEqual([]);
  });
});

describe('encodeContext', () => {
  it('carries the grants themselves unless told to leave them out', () => {
    const context = { sub: 'u', issuer: 'i', exp: 7, grants: [live('cam-1')] };
    expect(encodeContext(context)).toEqual({
      sub: 'u',
      issuer: 'i',
      exp: '7',
      grants: '[' + JSON.stringify(live('cam-1')) + ']',
    });
    expect(encodeContext(context, false)).toEqual({
      sub: 'u',
      issuer: 'i',
      exp: '7',
      grantsDigest: grantsDigest([live('cam-1')]),
    });
  });
});

describe('allowPolicy exactly at MAX_ANSWER_BYTES', () => {
  const grants = [live('cam-1'), live('cam-2')];
  /** The exact answer (every pattern as granted, the grants in the context), built by hand. */
  const exact = (context: AuthorizerContext): AuthorizerPolicy => ({
    principalId: context.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: grantedResources(STAGE, context.grants, POLICY_PATHS),
        },
      ],
    },
    context: encodeContext(context),
  });
  // The issuer is written once: its length sets the answer's size byte by byte.
  const withSize = (size: number) => {
    const base = { sub: 'user-1', issuer: '', exp: 1795600800, grants };
    return { ...base, issuer: 'i'.repeat(size - bytes(exact(base))) };
  };

  it('is exact one byte under the bound', () => {
    const context = withSize(MAX_ANSWER_BYTES - 1);
    expect(bytes(exact(context))).toBe(MAX_ANSWER_BYTES - 1);
    expect(allowPolicy(ARN, context, POLICY_PATHS)).toEqual(exact(context));
  });

  it('is not exact at the bound itself: the patterns are merged, the grants stay', () => {
    const context = withSize(MAX_ANSWER_BYTES);
    expect(bytes(exact(context))).toBe(MAX_ANSWER_BYTES);
    const policy = allowPolicy(ARN, context, POLICY_PATHS)!;
    expect(bytes(policy)).toBeLessThan(MAX_ANSWER_BYTES);
    expect(resourcesOf(policy)).toEqual([
      '/GET/v1/streams',
      '/POST/v1/revocations',
      '/POST/v1/sessions',
      '/POST/v1/streams/cam-*/sessions',
      '/GET/v1/streams/cam-*/*',
    ]);
    expect(policy.context).toEqual(exact(context).context);
  });
});

describe('allowPolicy when the grants do not fit the context', () => {
  // 40 grants of 200-odd characters: ~10 KB of grants, two families sharing 206 leading characters.
  const grants = Array.from({ length: 40 }, (_, i) => live(`cam${i % 2}-${'x'.repeat(200)}-${i}`));
  const family = (n: number) => `cam${n}-${'x'.repeat(200)}-*`;

  it('leaves them out and merges the patterns no more than the answer needs', () => {
    const policy = allowPolicy(ARN, { sub: 'u', issuer: 'i', exp: 1, grants }, POLICY_PATHS)!;
    expect(bytes(grants)).toBeGreaterThan(MAX_ANSWER_BYTES);
    expect(bytes(policy)).toBeLessThan(MAX_ANSWER_BYTES);
    expect(policy.context).toEqual({ sub: 'u', issuer: 'i', exp: '1', grantsDigest: grantsDigest(grants) });
    expect(resourcesOf(policy)).toEqual([
      '/GET/v1/streams',
      '/POST/v1/revocations',
      '/POST/v1/sessions',
      `/POST/v1/streams/${family(0)}/sessions`,
      `/GET/v1/streams/${family(0)}/*`,
      `/POST/v1/streams/${family(1)}/sessions`,
      `/GET/v1/streams/${family(1)}/*`,
    ]);
  });

  it('beyond the caps (a sub of 3000 three-byte characters), answers the widest: every pattern `*`, no grants', () => {
    const sub = '東'.repeat(3000);
    const policy = allowPolicy(ARN, { sub, issuer: 'i', exp: 1, grants }, POLICY_PATHS)!;
    expect(resourcesOf(policy)).toEqual([
      '/GET/v1/streams',
      '/POST/v1/revocations',
      '/POST/v1/sessions',
      '/POST/v1/streams/*/sessions',
      '/GET/v1/streams/*/*',
    ]);
    expect(policy.context).toEqual({ sub, issuer: 'i', exp: '1', grantsDigest: grantsDigest(grants) });
  });
});
