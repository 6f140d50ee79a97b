import { describe, expect, it } from '@jest/globals';
import { allowPolicy, apiStageArn } from '../../../lambda/core/policy';

const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/v1/streams/cam-1/sessions';
const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';

describe('allowPolicy', () => {
  it('lists every granted stream, not just the one requested, so a cached policy stays right', () => {
    const grants = [
      { stream: 'cam-1', modes: ['LIVE' as const], protocols: ['DASH' as const] },
      { stream: 'site7-*', modes: ['ON_DEMAND' as const], protocols: ['HLS' as const] },
    ];
    expect(allowPolicy(ARN, { sub: 'user-1', issuer: 'https://idp/', exp: 1795600800, grants })).toEqual({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: [
              `${STAGE}/GET/v1/streams`,
              `${STAGE}/POST/v1/streams/cam-1/sessions`,
              `${STAGE}/POST/v1/streams/site7-*/sessions`,
            ],
          },
        ],
      },
      context: { sub: 'user-1', issuer: 'https://idp/', exp: '1795600800', grants: JSON.stringify(grants) },
    });
  });

  it('allows only discovery to a token without grants', () => {
    const policy = allowPolicy(ARN, { sub: 'u', issuer: 'i', exp: 1, grants: [] });
    expect(policy?.policyDocument.Statement[0]?.Resource).toEqual([`${STAGE}/GET/v1/streams`]);
  });

  it.each(['', 'arn:aws:s3:::bucket', 'arn:aws:execute-api:eu-west-1:1:abc'])(
    'refuses the method ARN "%s"',
    (arn) => {
      expect(apiStageArn(arn)).toBeUndefined();
      expect(allowPolicy(arn, { sub: 'u', issuer: 'i', exp: 1, grants: [] })).toBeUndefined();
    },
  );
});
