// The viewer-state table (docs/api.md, Revocation and Seats): made only when the config asks for revocation or
// seats, on demand, TTL, encrypted, point-in-time recovery and removal as props, reachable by the broker functions
// alone, item by item, each only with its own calls; cdk-nag and the deploy-time rules still pass with it.
import { describe, expect, it } from '@jest/globals';
import { Aspects, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RouteLambda } from '../../lambda/contract/routes';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { KvsSessionBrokerStack } from '../../lib/kvs-session-broker-stack';
import { VIEWER_STATE_ACTIONS, viewerStateActions } from '../../lib/viewer-state-table';
import { parseConfig } from '../../lambda/core/config';
import { deployRuleViolations, type TemplateJson } from './deploy-rules';
import { ISSUER, newApp, newStack, testConfig } from './fixtures';

const REVOKING = { issuers: [{ ...ISSUER, adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 }] };
const SEATS = { viewers: { seatsPerPrincipal: 2 } };

function synth(overrides: Record<string, unknown>, props: Record<string, unknown> = {}) {
  const stack = newStack();
  const broker = new KvsSessionBroker(stack, 'Broker', { config: testConfig(overrides), ...props });
  return { broker, template: Template.fromStack(stack) };
}

describe('the viewer-state table', () => {
  it('is not made when no issuer can revoke and seats are unlimited', () => {
    const { broker, template } = synth({});
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(broker.stateTable).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('KVS_BROKER_STATE_TABLE');
  });

  it.each([
    ['an issuer with adminScope', REVOKING],
    ['seats per principal', SEATS],
  ])('is made for %s: on demand, TTL on expiresAt, KMS-encrypted, recoverable, retained', (_, overrides) => {
    const { template } = synth(overrides);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        // SSEEnabled without a key: the AWS managed key aws/dynamodb (CloudFormation AWS::DynamoDB::Table SSESpecification).
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  it('follows the props: no point-in-time recovery, destroyed with the stack', () => {
    const { template } = synth(SEATS, {
      statePointInTimeRecovery: false,
      stateRemovalPolicy: RemovalPolicy.DESTROY,
    });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } },
    });
  });

  it("is named to the route table's functions, each allowed only the item calls it makes on that table", () => {
    const { broker, template } = synth({ ...SEATS, ...REVOKING });
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'kvs-session-broker JWT authorizer',
      Environment: { Variables: Match.not(Match.objectLike({ KVS_BROKER_STATE_TABLE: Match.anyValue() })) },
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: { Action: unknown }[] } };
    }[];
    const dynamoOf = (role: CfnElement) =>
      policies
        .filter((p) => p.Properties.Roles.some((r) => r.Ref === Stack.of(role).getLogicalId(role)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    for (const [name, fn] of Object.entries(broker.functions) as [RouteLambda, LambdaFunction][]) {
      const fnId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
      const env = template.toJSON().Resources[fnId].Properties.Environment.Variables as Record<
        string,
        unknown
      >;
      expect(env.KVS_BROKER_STATE_TABLE).toEqual({ Ref: tables[0] });
      // The broker revokes (UpdateItem) and takes seats (PutItem), WebRTC viewers take seats, every token route
      // checks revocation (GetItem).
      expect(dynamoOf(fn.role!.node.defaultChild as CfnElement)).toEqual([
        {
          Effect: 'Allow',
          Action:
            { broker: VIEWER_STATE_ACTIONS, webrtc: ['dynamodb:GetItem', 'dynamodb:PutItem'] }[
              name as string
            ] ?? 'dynamodb:GetItem',
          Resource: { 'Fn::GetAtt': [tables[0], 'Arn'] },
        },
      ]);
    }
    expect(dynamoOf(broker.authorizerFunction.role!.node.defaultChild as CfnElement)).toEqual([]);
    expect(broker.stateTable).toBeDefined();
  });

  it.each([
    [
      'seats only',
      SEATS,
      { broker: ['GetItem', 'PutItem'], webrtc: ['GetItem', 'PutItem'], archive: [], clip: [] },
    ],
    [
      'revocation only',
      REVOKING,
      { broker: ['GetItem', 'UpdateItem'], webrtc: ['GetItem'], archive: ['GetItem'], clip: ['GetItem'] },
    ],
  ])('allows each function only the calls the config makes it make (%s)', (_, overrides, expected) => {
    const config = parseConfig(testConfig(overrides));
    for (const [lambda, actions] of Object.entries(expected))
      expect(viewerStateActions(lambda as RouteLambda, config)).toEqual(actions.map((a) => `dynamodb:${a}`));
  });

  it('reaches only the functions that take seats (broker, WebRTC) when seats are limited and no issuer can revoke', () => {
    const { broker, template } = synth(SEATS);
    const users = Object.entries(broker.functions)
      .filter(([, fn]) => {
        const fnId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
        const env = template.toJSON().Resources[fnId].Properties.Environment.Variables as Record<
          string,
          unknown
        >;
        return env.KVS_BROKER_STATE_TABLE !== undefined;
      })
      .map(([name]) => name);
    expect(users).toEqual(['broker', 'webrtc']);
    const grants = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('dynamodb:'),
    );
    expect(grants).toHaveLength(2);
  });

  it('passes cdk-nag AwsSolutions (DynamoDB point-in-time recovery on) and the deploy-time rules', () => {
    const stack = new KvsSessionBrokerStack(newApp(), 'StateNag', {
      config: testConfig({ ...REVOKING, ...SEATS }),
    });
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(deployRuleViolations(Template.fromStack(stack).toJSON() as TemplateJson)).toEqual([]);
  });
});
