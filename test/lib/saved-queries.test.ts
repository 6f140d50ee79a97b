// The saved Logs Insights queries (AWS::Logs::QueryDefinition) in the template, and the tracing default.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { KvsSessionBrokerStack } from '../../lib/kvs-session-broker-stack';
import { KvsUsageDashboard } from '../../lib/usage-dashboard';
import { newApp, newStack, testConfig } from './fixtures';

let template: Template;
let broker: KvsSessionBroker;

beforeAll(() => {
  const stack = newStack('Prod');
  broker = new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
  new KvsUsageDashboard(stack, 'Usage', { broker });
  template = Template.fromStack(stack);
});

const ref = (construct: KvsSessionBroker['logGroups']['broker']) => ({
  Ref: Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement),
});

describe('saved queries', () => {
  it('saves five queries in the stack folder', () => {
    const names = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map(
      (r) => r.Properties.Name,
    );
    expect(names.sort()).toEqual([
      'kvs-session-broker/Prod/discovery-by-caller',
      'kvs-session-broker/Prod/gateway-denials',
      'kvs-session-broker/Prod/refusals-by-reason',
      'kvs-session-broker/Prod/sessions-by-principal-and-stream',
      'kvs-session-broker/Prod/top-streams-by-sessions',
    ]);
  });

  it.each([
    [
      'sessions-by-principal-and-stream',
      'filter audit = "kvs-session" and outcome = "GRANTED"\n| stats count(*) as sessions, sum(expiresInSeconds) as sessionSeconds by issuer, tenant, sub, stream\n| sort sessions desc\n| limit 10000',
    ],
    [
      'refusals-by-reason',
      'filter audit in ["kvs-session", "kvs-discovery"] and outcome != "GRANTED"\n| stats count(*) as refusals by audit, outcome, errorCode, reason\n| sort refusals desc\n| limit 1000',
    ],
    [
      'discovery-by-caller',
      'filter audit = "kvs-discovery"\n| stats count(*) as requests, sum(streamsListed) as streamsListed by issuer, tenant, sub, outcome\n| sort requests desc\n| limit 1000',
    ],
    [
      'top-streams-by-sessions',
      'filter audit = "kvs-session" and outcome = "GRANTED"\n| stats count(*) as sessions, count_distinct(sub) as principals, sum(expiresInSeconds) as sessionSeconds by stream\n| sort sessions desc\n| limit 100',
    ],
  ])(
    '%s reads the audit lines of every Lambda (the route table functions and the authorizer)',
    (name, query) => {
      template.hasResourceProperties('AWS::Logs::QueryDefinition', {
        Name: `kvs-session-broker/Prod/${name}`,
        QueryString: query,
        LogGroupNames: [
          ...Object.values(broker.logGroups.functions).map(ref),
          ref(broker.logGroups.authorizer),
        ],
      });
    },
  );

  it('gateway-denials reads the access log, where cached-policy 403s and throttles are the only trace', () => {
    template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'kvs-session-broker/Prod/gateway-denials',
      QueryString:
        'filter audit = "kvs-gateway" and status in ["401", "403", "429"]\n| stats count(*) as denials by status, error.responseType, issuer, sub, sourceIp, resourcePath\n| sort denials desc\n| limit 1000',
      LogGroupNames: [ref(broker.logGroups.access)],
    });
  });
});

describe('tracing', () => {
  it('is active on both functions and the stage when asked for', () => {
    const stack = newStack();
    new KvsSessionBroker(stack, 'Broker', { config: testConfig(), tracing: true });
    const t = Template.fromStack(stack);
    t.allResourcesProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    t.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });

  it('is off by default (no KVS subsegments: README "Tracing")', () => {
    template.allResourcesProperties('AWS::Lambda::Function', { TracingConfig: Match.absent() });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
  });
});

describe('stack outputs', () => {
  it("name the audit log groups, the usage report's --log-group arguments", () => {
    const stack = new KvsSessionBrokerStack(newApp(), 'Out', { config: testConfig() });
    const out = Template.fromStack(stack).findOutputs('AuditLogGroups');
    const id = (g: KvsSessionBroker['logGroups']['broker']) =>
      Stack.of(g).getLogicalId(g.node.defaultChild as CfnElement);
    expect(Object.values(out)[0]!.Value).toEqual({
      'Fn::Join': [
        ',',
        [
          ...Object.values(stack.broker.logGroups.functions).map((g) => ({ Ref: id(g) })),
          { Ref: id(stack.broker.logGroups.authorizer) },
        ],
      ],
    });
  });
});
