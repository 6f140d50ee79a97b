// The authorizer's policy, evaluated the way API Gateway evaluates a cached policy (local/gateway/iam.ts), allows a
// stream exactly when a grant covers it: a cached answer can neither over-grant nor wrongly refuse (docs/ARCHITECTURE.md).
import { POLICY_PATHS } from '../../lambda/contract/routes';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { matchesStream, type Grant } from '../../lambda/core/grants';
import { allowPolicy } from '../../lambda/core/policy';
import { evaluatePolicy } from '../../local/gateway/iam';

const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod';
const sessionArn = (stream: string) => `${STAGE}/POST/v1/streams/${stream}/sessions`;

describe('the authorizer policy under API Gateway policy evaluation', () => {
  const name = fc.stringMatching(/^[a-c0-9_.-]{1,4}$/);
  const pattern = fc.oneof(
    name,
    name.map((n) => `${n}*`),
    fc.constant('*'),
  );
  const grant = pattern.map((stream): Grant => ({ stream, modes: ['LIVE'], protocols: ['DASH', 'HLS'] }));

  it('allows the session route of a stream if and only if a grant covers it, whichever stream was asked first', () => {
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 4 }), name, name, (grants, first, other) => {
        // The policy is built for the first request and cached; it is then applied to another stream.
        const policy = allowPolicy(
          sessionArn(first),
          { sub: 'u', issuer: 'i', exp: 1, grants },
          POLICY_PATHS,
        )!;
        const covered = grants.some((g) => matchesStream(g.stream, other));
        expect(evaluatePolicy(policy.policyDocument, sessionArn(other))).toBe(covered ? 'ALLOW' : 'DENY');
      }),
      { numRuns: 3000 },
    );
  });

  it('always allows discovery and never another route', () => {
    const policy = allowPolicy(
      sessionArn('cam-1'),
      {
        sub: 'u',
        issuer: 'i',
        exp: 1,
        grants: [{ stream: '*', modes: ['LIVE'], protocols: ['DASH'] }],
      },
      POLICY_PATHS,
    )!;
    expect(evaluatePolicy(policy.policyDocument, `${STAGE}/GET/v1/streams`)).toBe('ALLOW');
    expect(evaluatePolicy(policy.policyDocument, `${STAGE}/DELETE/v1/streams/cam-1/sessions`)).toBe('DENY');
    expect(evaluatePolicy(policy.policyDocument, `${STAGE}/POST/v1/admin`)).toBe('DENY');
  });
});
