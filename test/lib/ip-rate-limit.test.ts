// The rate limits (SECURITY.md, Floods; README, Limits and cost) as deployed: AWS WAF rate-based rules in a regional
// web ACL on the stage, per bearer token and per client IP, both on by default, each tuned or turned off by config
// (api.tokenRateLimit, api.ipRateLimit).
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

type AclRule = {
  Name: string;
  Priority: number;
  Statement: { RateBasedStatement: Record<string, unknown> };
  Action: { Block: { CustomResponse: { ResponseHeaders: { Name: string }[] } } };
};
function rulesOf(template: Template): AclRule[] {
  const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!;
  return acl.Properties.Rules as AclRule[];
}

// AWS WAF developer guide, "Rate-based rule high-level settings": evaluation windows 60, 120, 300 or 600 s; the
// lowest rate limit is 10.
describe.each(['tokenRateLimit', 'ipRateLimit'])(
  'config api.%s (AWS WAF developer guide, "Rate-based rule high-level settings")',
  (field) => {
    it.each([60, 120, 300, 600])('accepts WAF evaluation window %i s', (windowSeconds) => {
      const api = parseConfig({ issuers: [ISSUER], api: { [field]: { limit: 10, windowSeconds } } }).api;
      expect(api[field as 'ipRateLimit']).toEqual({ limit: 10, windowSeconds });
    });

    it.each<[unknown, string]>([
      [{ limit: 9, windowSeconds: 60 }, '.limit: Too small: expected number to be >=10'],
      [{ limit: 100, windowSeconds: 30 }, '.windowSeconds'],
      [{ limit: 100, windowSeconds: 60, scope: 'all' }, ''],
      [true, ''],
    ])('refuses %j (not a WAF rate-based rule setting)', (value, message) => {
      expect(() => parseConfig({ issuers: [ISSUER], api: { [field]: value } })).toThrow(
        `api.${field}${message}`,
      );
    });

    it('turns off with false', () => {
      const api = parseConfig({ issuers: [ISSUER], api: { [field]: false } }).api;
      expect(api[field as 'ipRateLimit']).toBe(false);
    });
  },
);

describe('the defaults (README, Limits and cost)', () => {
  it('are 60 requests a minute per token and a flood guard of 1000 per 5 minutes per address', () => {
    const { api } = parseConfig({ issuers: [ISSUER] });
    expect(api.tokenRateLimit).toEqual({ limit: 60, windowSeconds: 60 });
    expect(api.ipRateLimit).toEqual({ limit: 1000, windowSeconds: 300 });
  });
});

const blockWith = (bodyKey: string, retryAfter: string) => ({
  Block: {
    CustomResponse: {
      ResponseCode: 429,
      CustomResponseBodyKey: bodyKey,
      // Custom response headers may not set content-type (the body's content type does).
      ResponseHeaders: [
        { Name: 'Cache-Control', Value: 'no-store' },
        { Name: 'Retry-After', Value: retryAfter },
        { Name: 'Access-Control-Allow-Origin', Value: 'https://app.example.com' },
        { Name: 'Access-Control-Expose-Headers', Value: 'Retry-After' },
      ],
    },
  },
});
const throttledBody = (message: string) => ({
  ContentType: 'APPLICATION_JSON',
  Content: JSON.stringify({ error: { code: 'THROTTLED', message }, requestId: 'waf-rate-limit' }),
});

describe('the web ACL', () => {
  it('blocks an address over the flood guard first, then a token over its rate, each with the documented 429 JSON', () => {
    const template = synth({
      api: {
        tokenRateLimit: { limit: 120, windowSeconds: 120 },
        ipRateLimit: { limit: 2000, windowSeconds: 600 },
      },
    });
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      CustomResponseBodies: {
        'throttled-ip': throttledBody('Too many requests from this address; retry later'),
        'throttled-token': throttledBody('Too many requests with this token; retry later'),
      },
      Rules: [
        {
          Name: 'PerClientIpRateLimit',
          Priority: 0,
          Statement: {
            RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 600 },
          },
          Action: blockWith('throttled-ip', '600'),
          VisibilityConfig: Match.objectLike({ CloudWatchMetricsEnabled: true }),
        },
        {
          Name: 'PerTokenRateLimit',
          Priority: 1,
          // One custom key, the Authorization header as sent: each bearer token is its own count, and a request
          // without the header is not counted by this rule (AWS WAF API reference, RateBasedStatementCustomKey).
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'CUSTOM_KEYS',
              CustomKeys: [
                { Header: { Name: 'Authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
              ],
              Limit: 120,
              EvaluationWindowSec: 120,
            },
          },
          Action: blockWith('throttled-token', '120'),
          VisibilityConfig: Match.objectLike({ CloudWatchMetricsEnabled: true }),
        },
      ],
    });
  });

  it('holds both rules with their defaults when the config says nothing', () => {
    const rules = rulesOf(synth());
    expect(
      rules.map((r) => [
        r.Name,
        r.Statement.RateBasedStatement.Limit,
        r.Statement.RateBasedStatement.EvaluationWindowSec,
      ]),
    ).toEqual([
      ['PerClientIpRateLimit', 1000, 300],
      ['PerTokenRateLimit', 60, 60],
    ]);
  });

  it.each([
    ['tokenRateLimit', 'PerClientIpRateLimit'],
    ['ipRateLimit', 'PerTokenRateLimit'],
  ])('leaves out the rule whose limit is false (%s: false keeps only %s)', (field, kept) => {
    expect(rulesOf(synth({ api: { [field]: false } })).map((r) => [r.Name, r.Priority])).toEqual([[kept, 0]]);
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
    const rules = rulesOf(
      synth({ cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] } }),
    );
    for (const rule of rules) {
      expect(rule.Action.Block.CustomResponse.ResponseHeaders.map((h) => h.Name)).toEqual([
        'Cache-Control',
        'Retry-After',
      ]);
    }
  });

  it('is not made when both limits are false', () => {
    const template = synth({ api: { tokenRateLimit: false, ipRateLimit: false } });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it("associates the deployer's web ACL instead when webAclArn is given with both limits false", () => {
    const template = synth({ api: { tokenRateLimit: false, ipRateLimit: false } }, { webAclArn: ACL_ARN });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: ACL_ARN });
  });

  it.each(['tokenRateLimit', 'ipRateLimit'])(
    'refuses webAclArn beside a %s: a stage holds one web ACL',
    (field) => {
      const off = { tokenRateLimit: false, ipRateLimit: false };
      expect(() =>
        synth({ api: { ...off, [field]: { limit: 100, windowSeconds: 60 } } }, { webAclArn: ACL_ARN }),
      ).toThrow(`webAclArn: a stage holds one web ACL, and config.api.${field} makes one`);
    },
  );

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
