// Deploy-time rules: what AWS refuses when the stack is created, though `cdk synth` accepted it. Each rule is
// shown to fire on a template that breaks it, and to pass on the templates this project synthesizes, from the
// smallest config to the largest one the construct accepts.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { KvsSessionBrokerStack } from '../../lib/kvs-session-broker-stack';
import { brokerPolicyChars } from '../../lib/stream-permissions';
import { DEPLOY_RULES, deployRuleViolations, resolveWorstCase, type TemplateJson } from './deploy-rules';
import { ISSUER, newApp, newStack, testConfig } from './fixtures';

/** 10 exact names of 256 characters: about the most that fits Lambda's 4 KB environment. */
const LONG_NAMES = Array.from({ length: 10 }, (_, i) => `${String(i).padStart(2, '0')}${'n'.repeat(254)}`);

const templates: Record<string, TemplateJson> = {};

beforeAll(() => {
  const configs = {
    'test config with an alarm topic': testConfig(),
    'every stream (*)': testConfig({ streams: ['*'] }),
    '10 exact stream names of 256 characters': testConfig({
      streams: LONG_NAMES,
      cors: { allowOrigins: [] },
    }),
  };
  for (const [name, config] of Object.entries(configs)) {
    const stack = new KvsSessionBrokerStack(newApp(), 'Rules', {
      config,
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
    });
    templates[name] = Template.fromStack(stack).toJSON() as TemplateJson;
  }
});

function alarm(properties: Record<string, unknown>): TemplateJson {
  return { Resources: { A: { Type: 'AWS::CloudWatch::Alarm', Properties: properties } } };
}
const query = (id: string, expression: string) => ({ Id: id, Expression: expression, Period: 300 });
const fn = (properties: Record<string, unknown>): TemplateJson => ({
  Resources: { F: { Type: 'AWS::Lambda::Function', Properties: properties } },
});

const waf = (rules: Record<string, unknown>[]): TemplateJson => ({
  Resources: { W: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: rules } } },
});

/** For each rule (by the start of its name), a template that breaks it. */
const BROKEN: Record<string, TemplateJson> = {
  'CloudWatch: an alarm has at most one Metrics Insights query': alarm({
    Metrics: [query('a', 'SELECT SUM(x) FROM y'), query('b', 'SELECT SUM(z) FROM y'), query('c', 'a + b')],
  }),
  'CloudWatch: a metric math alarm references at most 10 metrics': alarm({
    Metrics: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MetricStat: {} })),
  }),
  'CloudWatch: a Metrics Insights alarm evaluates at most the latest 3 hours': alarm({
    EvaluationPeriods: 4,
    Metrics: [{ ...query('a', 'SELECT SUM(x) FROM y'), Period: 3600 }],
  }),
  'CloudWatch: a metric query expression has at most 2048 characters': alarm({
    Metrics: [query('a', `SELECT SUM(x) FROM y WHERE ${"s = 'n' OR ".repeat(200)}s = 'n'`)],
  }),
  'CloudWatch: an alarm description has at most 1024 characters': alarm({
    AlarmDescription: 'd'.repeat(1025),
  }),
  'API Gateway: no AWS::ApiGateway::Account': { Resources: { Acc: { Type: 'AWS::ApiGateway::Account' } } },
  'Lambda: a function environment has at most 4 KB': fn({
    Environment: { Variables: { CONFIG: 'c'.repeat(4091) } },
  }),
  'API Gateway: every function behind the REST API ends within the 29 s': fn({ Timeout: 29 }),
  "IAM: a role's inline policies total at most 10,240 characters": {
    Resources: {
      R: { Type: 'AWS::IAM::Role', Properties: {} },
      P: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'R' }],
          PolicyDocument: { Statement: [{ Resource: 'r'.repeat(10_300) }] },
        },
      },
    },
  },
  'Lambda: a function description has at most 256 characters': fn({ Description: 'd'.repeat(257) }),
  'API Gateway: an authorizer result TTL is at most 3600 s': {
    Resources: {
      Au: { Type: 'AWS::ApiGateway::Authorizer', Properties: { AuthorizerResultTtlInSeconds: 3601 } },
    },
  },
  'CloudWatch Logs: a saved query has a name of at most 255 characters': {
    Resources: {
      Q: {
        Type: 'AWS::Logs::QueryDefinition',
        Properties: {
          Name: { 'Fn::Join': ['/', [{ Ref: 'AWS::StackName' }, 'q'.repeat(127)]] },
          QueryString: 'x',
        },
      },
    },
  },
  'WAF: a rate-based rule looks back': waf([
    { Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 100, EvaluationWindowSec: 30 } } },
    { Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 100, EvaluationWindowSec: 60 } } },
  ]),
  'WAF: a CUSTOM_KEYS rate-based rule has 1 to 5 custom keys': waf([
    {
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'CUSTOM_KEYS',
          Limit: 60,
          CustomKeys: [{ Header: { Name: 'Authorization', TextTransformations: [] } }],
        },
      },
    },
    {
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'CUSTOM_KEYS',
          Limit: 60,
          CustomKeys: [
            { Header: { Name: 'Authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
          ],
        },
      },
    },
  ]),
  'WAF: rule names and priorities are unique within a web ACL': waf([
    { Name: 'PerTokenRateLimit', Priority: 0 },
    { Name: 'PerTokenRateLimit', Priority: 1 },
  ]),
  'WAF: every custom response names a body the web ACL defines': {
    Resources: {
      W: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: {
          CustomResponseBodies: { 'throttled-ip': { ContentType: 'APPLICATION_JSON', Content: '{}' } },
          Rules: [
            {
              Action: {
                Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'throttled-ip' } },
              },
            },
            {
              Action: {
                Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'throttled-token' } },
              },
            },
          ],
        },
      },
    },
  },
  'WAF: custom response headers are not content-type': waf([
    {
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            ResponseHeaders: [
              { Name: 'Content-Type', Value: 'application/json' },
              { Name: 'Retry-After', Value: '60' },
            ],
          },
        },
      },
    },
  ]),
  'WAF: a resource is associated with at most one web ACL': {
    Resources: Object.fromEntries(
      ['A1', 'A2'].map((id) => [
        id,
        { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: 'stage', WebACLArn: id } },
      ]),
    ),
  },
  'CloudFormation: a stack has at most 500 resources': {
    Resources: Object.fromEntries(
      Array.from({ length: 501 }, (_, i) => [`R${i}`, { Type: 'AWS::SNS::Topic' }]),
    ),
  },
};

describe.each(DEPLOY_RULES.map((rule) => [rule.name, rule] as const))('%s', (name, rule) => {
  it('fires on a template that breaks it', () => {
    const key = Object.keys(BROKEN).find((prefix) => name.startsWith(prefix));
    expect(key).toBeDefined();
    expect(rule.check(BROKEN[key!]!)).toHaveLength(1);
  });

  it.each(['test config with an alarm topic', 'every stream (*)', '10 exact stream names of 256 characters'])(
    'holds for the stack synthesized from the %s',
    (config) => {
      expect(rule.check(templates[config]!)).toEqual([]);
    },
  );
});

describe('the whole rule set', () => {
  it('holds for the example stack and its largest accepted configs', () => {
    for (const template of Object.values(templates)) expect(deployRuleViolations(template)).toEqual([]);
  });

  it('resolves intrinsics at their longest, so sizes are what AWS counts once deployed', () => {
    expect(
      resolveWorstCase({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kinesisvideo:', { Ref: 'AWS::Region' }]],
      }),
    ).toBe('arn:aws-iso-b:kinesisvideo:ap-southeast-5');
  });
});

describe("the construct's own IAM policy size estimate", () => {
  it("is never short of the broker role's policy as the template has it", () => {
    for (const streams of [['cam-1'], ['*'], LONG_NAMES, ['site7-*', 'cam-1', 'cam-2']]) {
      const stack = newStack();
      const broker = new KvsSessionBroker(stack, 'Broker', {
        config: testConfig({ streams, cors: { allowOrigins: [] } }),
      });
      const template = Template.fromStack(stack).toJSON() as TemplateJson;
      const roleId = stack.getLogicalId(broker.brokerFunction.role!.node.defaultChild as never);
      const measured = Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(roleId))
        .map((r) => JSON.stringify(resolveWorstCase(r.Properties!.PolicyDocument)).replace(/\s/g, '').length)
        .reduce((a, b) => a + b, 0);
      expect(measured).toBeGreaterThan(0);
      expect(brokerPolicyChars(streams)).toBeGreaterThanOrEqual(measured);
    }
  });

  it('refuses at synth a config whose streams would overflow the role policy (IAM: 10,240 characters per role)', () => {
    const streams = Array.from({ length: 60 }, (_, i) => `${i}-${'s'.repeat(200)}`);
    expect(
      () => new KvsSessionBroker(newStack(), 'Broker', { config: { issuers: [ISSUER], streams } }),
    ).toThrow(
      /config\.streams: the broker role's policy would be about \d+ characters, over IAM's 10240 per role/,
    );
  });
});
