// The per-client-IP rate limit (SECURITY.md, Floods) as deployed: an AWS WAF rate-based rule in a regional web
// ACL on the stage, on by default, tuned or turned off by config.api.ipRateLimit.
import { describe, expect, it } from '@jest/globals';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig } from '../../lambda/core/config';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { ISSUER, newStack, testConfig } from './fixtures';

const ACL_ARN =
  'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mine/0c5e3ac1-0000-4000-8000-000000000000';

function synth(config: Record<string, unknown> = {}, props: Record<string, unknown> = {}) {
  const stack = newStack();
  new KvsSessionBroker(stack, 'Broker', { config: testConfig(config), ...props });
  return Template.fromStack(stack);
}

// AWS WAF developer guide, "Rate-based rule high-level settings": evaluation windows 60, 120, 300 or 600 s; the
// lowest rate limit is 10.
describe('config api.ipRateLimit (AWS WAF developer guide, "Rate-based rule high-level settings")', () => {
  it('defaults to 50 requests per address per 60 s', () => {
    expect(parseConfig({ issuers: [ISSUER] }).api.ipRateLimit).toEqual({ limit: 50, windowSeconds: 60 });
  });

  it.each([60, 120, 300, 600])('accepts WAF evaluation window %i s', (windowSeconds) => {
    expect(
      parseConfig({ issuers: [ISSUER], api: { ipRateLimit: { limit: 10, windowSeconds } } }).api.ipRateLimit,
    ).toEqual({ limit: 10, windowSeconds });
  });

  it.each<[unknown, RegExp]>([
    [{ limit: 9, windowSeconds: 60 }, /api\.ipRateLimit\.limit: Too small: expected number to be >=10/],
    [{ limit: 100, windowSeconds: 30 }, /api\.ipRateLimit\.windowSeconds/],
    [{ limit: 100, windowSeconds: 60, scope: 'all' }, /api\.ipRateLimit/],
    [true, /api\.ipRateLimit/],
  ])('refuses %j (not a WAF rate-based rule setting)', (ipRateLimit, message) => {
    expect(() => parseConfig({ issuers: [ISSUER], api: { ipRateLimit } })).toThrow(message);
  });

  it('turns off with false', () => {
    expect(parseConfig({ issuers: [ISSUER], api: { ipRateLimit: false } }).api.ipRateLimit).toBe(false);
  });
});

describe('the web ACL', () => {
  it('is a regional web ACL whose only rule blocks an address over its rate with the documented 429 JSON', () => {
    const template = synth({ api: { ipRateLimit: { limit: 200, windowSeconds: 300 } } });
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      CustomResponseBodies: {
        throttled: {
          ContentType: 'APPLICATION_JSON',
          Content: JSON.stringify({
            error: { code: 'THROTTLED', message: 'Too many requests from this address; retry later' },
            requestId: 'waf-rate-limit',
          }),
        },
      },
      Rules: [
        {
          Name: 'PerClientIpRateLimit',
          Priority: 0,
          Statement: {
            RateBasedStatement: { AggregateKeyType: 'IP', Limit: 200, EvaluationWindowSec: 300 },
          },
          Action: {
            Block: {
              CustomResponse: {
                ResponseCode: 429,
                CustomResponseBodyKey: 'throttled',
                // Custom response headers may not set content-type (the body's content type does).
                ResponseHeaders: [
                  { Name: 'Cache-Control', Value: 'no-store' },
                  { Name: 'Retry-After', Value: '300' },
                  { Name: 'Access-Control-Allow-Origin', Value: 'https://app.example.com' },
                  { Name: 'Access-Control-Expose-Headers', Value: 'Retry-After' },
                ],
              },
            },
          },
          VisibilityConfig: Match.objectLike({ CloudWatchMetricsEnabled: true }),
        },
      ],
    });
  });

  it('is associated with the stage', () => {
    const template = synth();
    const [stageId] = Object.keys(template.findResources('AWS::ApiGateway::Stage'));
    const [aclId] = Object.keys(template.findResources('AWS::WAFv2::WebACL'));
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      ResourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: stageId }])]) }),
    });
  });

  it('names no origin when several are allowed (no static value is safe)', () => {
    const template = synth({ cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] } });
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!;
    const headers = acl.Properties.Rules[0].Action.Block.CustomResponse.ResponseHeaders as { Name: string }[];
    expect(headers.map((h) => h.Name)).toEqual(['Cache-Control', 'Retry-After']);
  });

  it('is not made when config.api.ipRateLimit is false', () => {
    const template = synth({ api: { ipRateLimit: false } });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it("associates the deployer's web ACL instead when webAclArn is given with ipRateLimit false", () => {
    const template = synth({ api: { ipRateLimit: false } }, { webAclArn: ACL_ARN });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: ACL_ARN });
  });

  it('refuses webAclArn beside an ipRateLimit: a stage holds one web ACL', () => {
    expect(() => synth({}, { webAclArn: ACL_ARN })).toThrow(
      /webAclArn: a stage holds one web ACL, and config\.api\.ipRateLimit makes one/,
    );
  });

  it('needs no AwsSolutions-APIG3 suppression: cdk-nag finds the web ACL', () => {
    const stack = newStack('NagAcl');
    new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-'))).toEqual([]);
    const api = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::RestApi'))[0]!;
    const suppressed = (api.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[];
    expect(suppressed.map((r) => r.id)).not.toContain('AwsSolutions-APIG3');
  });
});
