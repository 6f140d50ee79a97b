// What the memo of answer shapes (PolicyMemo) promises: one shape per stage, issuer and grant set, holding the exact
// answer's resources, grants and size without sub and exp; a later decision for the same grant set answers from that
// shape (no policy building) when the answer fits under MAX_ANSWER_BYTES, and answers as without a memo otherwise.
import { describe, expect, it } from '@jest/globals';
import { POLICY_PATHS } from '../../../lambda/contract/routes';
import {
  allowPolicy,
  createPolicyMemo,
  MAX_ANSWER_BYTES,
  type AuthorizerContext,
  type AuthorizerPolicy,
  type PolicyMemo,
} from '../../../lambda/core/policy';
import { ARN, bytes, live } from './policy-fixtures';

const resources = (policy: AuthorizerPolicy | undefined) => policy!.policyDocument.Statement[0]!.Resource;
const onlyShape = (memo: PolicyMemo) => {
  expect(memo.shapes.size).toBe(1);
  return [...memo.shapes.values()][0]!;
};

describe('PolicyMemo shapes', () => {
  it.each(['user-1', '東京', '😀'])(
    'keeps the exact answer’s resources, grants and size without sub and exp (sub %s)',
    (sub) => {
      const memo = createPolicyMemo();
      const context = {
        sub,
        issuer: 'https://idp/',
        exp: 1795600800,
        grants: [live('cam-1'), live('cam-2')],
      };
      const policy = allowPolicy(ARN, context, POLICY_PATHS, memo)!;
      expect(policy).toEqual(allowPolicy(ARN, context, POLICY_PATHS));
      expect(onlyShape(memo)).toEqual({
        resources: resources(policy),
        grantsJson: policy.context.grants,
        // The sub is written twice (principalId, context.sub) and exp once, as digits.
        bytes: bytes(policy) - 2 * Buffer.byteLength(sub) - '1795600800'.length,
      });
    },
  );

  it('answers a second decision for the same grant set (another sub and exp) from the shape it kept', () => {
    const memo = createPolicyMemo();
    const context = { sub: 'user-1', issuer: 'i', exp: 1, grants: [live('cam-1'), live('cam-2')] };
    allowPolicy(ARN, context, POLICY_PATHS, memo);
    const shape = onlyShape(memo);
    allowPolicy(ARN, { ...context, sub: 'user-2', exp: 2 }, POLICY_PATHS, memo);
    expect(onlyShape(memo)).toBe(shape);
    // A shape whose resources read backwards shows where the next answer came from: not from the grants again.
    shape.resources = [...shape.resources].reverse();
    const policy = allowPolicy(ARN, { ...context, sub: 'user-3', exp: 3 }, POLICY_PATHS, memo);
    expect(resources(policy)).toEqual(shape.resources);
    expect(policy!.principalId).toBe('user-3');
    expect(policy!.context).toEqual({ sub: 'user-3', issuer: 'i', exp: '3', grants: shape.grantsJson });
  });

  it('keeps grant sets, stages and issuers apart', () => {
    const memo = createPolicyMemo();
    const other = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/test/POST/v1/streams/cam-1/sessions';
    const contexts: [string, AuthorizerContext][] = [
      [ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [live('cam-1')] }],
      [ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [live('cam-2')] }],
      [other, { sub: 'u', issuer: 'i', exp: 1, grants: [live('cam-1')] }],
      [ARN, { sub: 'u', issuer: 'j', exp: 1, grants: [live('cam-1')] }],
    ];
    for (const [arn, context] of contexts) allowPolicy(arn, context, POLICY_PATHS, memo);
    expect(memo.shapes.size).toBe(4);
    for (const [arn, context] of [...contexts].reverse()) {
      expect(allowPolicy(arn, context, POLICY_PATHS, memo)).toEqual(allowPolicy(arn, context, POLICY_PATHS));
    }
    expect(memo.shapes.size).toBe(4);
  });

  it('starts over only when full', () => {
    const memo = createPolicyMemo(2);
    allowPolicy(ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [live('cam-1')] }, POLICY_PATHS, memo);
    allowPolicy(ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [live('cam-2')] }, POLICY_PATHS, memo);
    expect(memo.shapes.size).toBe(2);
    allowPolicy(ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [live('cam-3')] }, POLICY_PATHS, memo);
    expect(memo.shapes.size).toBe(1);
  });
});

describe('PolicyMemo at MAX_ANSWER_BYTES', () => {
  // Six grants of 150-odd characters: an exact answer of about 3 KB before the sub.
  const grants = Array.from({ length: 6 }, (_, i) => live(`cam-${i}-${'n'.repeat(150)}`));
  const warm = { sub: 'warm', issuer: 'i', exp: 1, grants };
  /** A context whose exact answer is `size` bytes: an ASCII sub, then an exp of 10 or 11 digits for the last byte. */
  const ofSize = (size: number): AuthorizerContext => {
    const rest = size - (bytes(allowPolicy(ARN, warm, POLICY_PATHS)) - 2 * 'warm'.length - 1);
    const sub = 'x'.repeat(Math.floor((rest - 10) / 2));
    return { ...warm, sub, exp: 10 ** (rest - 2 * sub.length - 1) };
  };
  /** A memo that knows the grant set, its shape's resources reversed (so an answer from it shows). */
  const markedMemo = () => {
    const memo = createPolicyMemo();
    allowPolicy(ARN, warm, POLICY_PATHS, memo);
    const shape = onlyShape(memo);
    shape.resources = [...shape.resources].reverse();
    return { memo, marked: shape.resources };
  };

  it('answers from the shape one byte under the bound', () => {
    const context = ofSize(MAX_ANSWER_BYTES - 1);
    const exact = allowPolicy(ARN, context, POLICY_PATHS)!;
    expect(bytes(exact)).toBe(MAX_ANSWER_BYTES - 1);
    expect(resources(exact).some((r) => r.includes('*/sessions'))).toBe(false);
    const { memo, marked } = markedMemo();
    expect(resources(allowPolicy(ARN, context, POLICY_PATHS, memo))).toEqual(marked);
  });

  it('answers as without a memo at the bound (the exact answer does not fit)', () => {
    const context = ofSize(MAX_ANSWER_BYTES);
    const { memo } = markedMemo();
    const policy = allowPolicy(ARN, context, POLICY_PATHS, memo)!;
    expect(policy).toEqual(allowPolicy(ARN, context, POLICY_PATHS));
    expect(bytes(policy)).toBeLessThan(MAX_ANSWER_BYTES);
    expect(resources(policy).some((r) => r.includes('*/sessions'))).toBe(true);
  });
});
