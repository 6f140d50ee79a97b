// The broker construct's template, read as the specification of what gets deployed.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { BrokerConfig } from '../../lambda/core/config';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { PLAYBACK_ACTIONS } from '../../lib/stream-permissions';
import { asList, ISSUER, newStack, render, testConfig, type PolicyStatementJson } from './fixtures';

let broker: KvsSessionBroker;
let template: Template;
let corsOff: Template;

beforeAll(() => {
  const stack = newStack();
  broker = new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
  template = Template.fromStack(stack);

  const plain = newStack('NoCorsStack');
  new KvsSessionBroker(plain, 'Broker', { config: testConfig({ cors: { allowOrigins: [] } }) });
  corsOff = Template.fromStack(plain);
});

function logicalId(construct: IConstruct): string {
  return Stack.of(broker).getLogicalId(construct.node.defaultChild as CfnElement);
}

function methods(t: Template, httpMethod: string): Record<string, { Properties: Record<string, unknown> }> {
  return t.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: httpMethod } }) as never;
}

/** Every statement of the policies attached to a role. */
function statementsOf(role: IConstruct): PolicyStatementJson[] {
  const roleId = logicalId(role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
  );
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
}

describe('authorizer', () => {
  it('is a REQUEST authorizer keyed on the Authorization header, cached for config.api.authorizerCacheTtlSeconds', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 120,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([
          Match.arrayWith([{ 'Fn::GetAtt': [logicalId(broker.authorizerFunction), 'Arn'] }]),
        ]),
      }),
    });
  });
});

describe('routes', () => {
  it.each([
    ['POST', 'sessions'],
    ['GET', 'streams'],
  ])('%s …/%s is behind the authorizer and proxies to the broker Lambda', (httpMethod, pathPart) => {
    const found = Object.values(methods(template, httpMethod));
    expect(found).toHaveLength(1);
    const method = found[0]!.Properties;
    expect(method.AuthorizationType).toBe('CUSTOM');
    expect(method.AuthorizerId).toEqual({ Ref: logicalId(broker.authorizer) });
    expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    expect(render((method.Integration as { Uri: unknown }).Uri)).toContain(
      `\${${logicalId(broker.brokerFunction)}.Arn}`,
    );
    const resourceId = (method.ResourceId as { Ref: string }).Ref;
    expect(template.toJSON().Resources[resourceId].Properties.PathPart).toBe(pathPart);
  });

  it('builds exactly /v1/streams and /v1/streams/{streamName}/sessions', () => {
    const parts = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (r) => r.Properties.PathPart,
    );
    expect(parts.sort()).toEqual(['sessions', 'streams', 'v1', '{streamName}'].sort());
  });

  it('grants API Gateway no test-invoke permission on the broker', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) =>
      render(p.Properties.SourceArn),
    );
    expect(permissions.some((arn) => arn.includes('/test-invoke-stage/'))).toBe(false);
  });
});

describe('Lambda functions', () => {
  it('run Node.js 24 on arm64 with source maps, both of them', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('receive the validated config as JSON in KVS_BROKER_CONFIG, without its local section, and the Powertools settings', () => {
    const { local: _local, ...expected } = testConfig();
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const env = fn.Properties.Environment.Variables as Record<string, string>;
      expect(JSON.parse(env.KVS_BROKER_CONFIG!)).toEqual(expected);
      expect(env).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'kvs-session-broker',
        POWERTOOLS_METRICS_NAMESPACE: 'KvsSessionBroker',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
  });

  it('log to their own log group', () => {
    for (const fn of [broker.authorizerFunction, broker.brokerFunction]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.anyValue(),
        LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
        Role: { 'Fn::GetAtt': [logicalId(fn.role!), 'Arn'] },
      });
    }
  });

  it('finish before API Gateway gives up on the integration (29 s)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('broker'),
      Timeout: 29,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('authorizer'),
      Timeout: 10,
    });
  });
});

describe('IAM', () => {
  it('gives the broker exactly the three playback actions on the configured stream ARNs', () => {
    const playback = statementsOf(broker.brokerFunction.role!).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('kinesisvideo:Get')),
    );
    expect(playback).toHaveLength(1);
    expect(asList(playback[0]!.Action).sort()).toEqual([...PLAYBACK_ACTIONS].sort());
    expect(asList(playback[0]!.Resource).map(render).sort()).toEqual([
      'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:stream/cam-1/*',
      'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:stream/site7-*',
    ]);
  });

  it('gives the broker kinesisvideo:ListStreams alone on *, and no other KVS action anywhere', () => {
    const kvs = statementsOf(broker.brokerFunction.role!).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('kinesisvideo:')),
    );
    const list = kvs.filter((s) => asList(s.Action).includes('kinesisvideo:ListStreams'));
    expect(list).toEqual([expect.objectContaining({ Action: 'kinesisvideo:ListStreams', Resource: '*' })]);
    const actions = kvs.flatMap((s) => asList(s.Action)).sort();
    expect(actions).toEqual([...PLAYBACK_ACTIONS, 'kinesisvideo:ListStreams'].sort());
  });

  it('has no wildcard action in any policy, and the authorizer no KVS permission at all', () => {
    const all = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as PolicyStatementJson[],
    );
    for (const action of all.flatMap((s) => asList(s.Action))) expect(action).not.toMatch(/\*/);
    const authorizer = statementsOf(broker.authorizerFunction.role!).flatMap((s) => asList(s.Action));
    expect(authorizer.filter((a) => a.startsWith('kinesisvideo:'))).toEqual([]);
  });

  it('uses no AWS managed policy on the Lambda roles: log writes are scoped to each function log group', () => {
    for (const fn of [broker.authorizerFunction, broker.brokerFunction]) {
      const role = template.toJSON().Resources[logicalId(fn.role!)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const logs = statementsOf(fn.role!).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
      expect(logs).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        }),
      ]);
    }
  });

  it.each([
    [['*', 'cam-1'], ['stream/*']],
    [['cam-1', 'cam-*', 'cam-10'], ['stream/cam-*']],
  ])('collapses covered patterns: streams %j -> %j', (streams, expected) => {
    const stack = newStack('Collapse');
    const b = new KvsSessionBroker(stack, 'B', { config: testConfig({ streams }) });
    const t = Template.fromStack(stack);
    const roleId = stack.getLogicalId(b.brokerFunction.role!.node.defaultChild as CfnElement);
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyStatementJson[]);
    const playback = statements.find((s) => asList(s.Action).includes('kinesisvideo:GetDataEndpoint'))!;
    expect(asList(playback.Resource).map((r) => render(r).replace(/^.*:stream\//, 'stream/'))).toEqual(
      expected,
    );
  });
});

describe('gateway responses', () => {
  it.each([
    { type: 'UNAUTHORIZED', status: '401', code: 'UNAUTHORIZED' },
    { type: 'ACCESS_DENIED', status: '403', code: 'FORBIDDEN' },
    { type: 'THROTTLED', status: '429', code: 'THROTTLED' },
    { type: 'AUTHORIZER_FAILURE', status: '502', code: 'UPSTREAM_ERROR' },
    { type: 'MISSING_AUTHENTICATION_TOKEN', status: '404', code: 'NOT_FOUND' },
    { type: 'INTEGRATION_TIMEOUT', status: '504', code: 'UPSTREAM_TIMEOUT' },
    { type: 'DEFAULT_4XX', status: undefined, code: 'INVALID_REQUEST' },
    { type: 'DEFAULT_5XX', status: undefined, code: 'UPSTREAM_ERROR' },
  ])(
    "$type answers $code in the JSON error body (status $status: undefined keeps API Gateway's)",
    ({ type, status, code }) => {
      const found = Object.values(
        template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }),
      );
      expect(found).toHaveLength(1);
      const props = found[0]!.Properties;
      expect(props.StatusCode).toBe(status);
      const body = JSON.parse(props.ResponseTemplates['application/json']);
      expect(body).toEqual({ error: { code, message: expect.any(String) }, requestId: '$context.requestId' });
      expect(props.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/json'",
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      });
    },
  );

  it('tells throttled clients when to retry', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
  });

  it('carry no CORS header when CORS is not configured', () => {
    for (const response of Object.values(corsOff.findResources('AWS::ApiGateway::GatewayResponse'))) {
      expect(Object.keys(response.Properties.ResponseParameters)).not.toContain(
        'gatewayresponse.header.Access-Control-Allow-Origin',
      );
    }
  });
});

describe('CORS', () => {
  it('answers preflight on both routes for the configured origin, without authorization', () => {
    const options = Object.values(methods(template, 'OPTIONS'));
    expect(options).toHaveLength(2);
    for (const method of options) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'MOCK',
          IntegrationResponses: [
            expect.objectContaining({
              ResponseParameters: expect.objectContaining({
                'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'",
                'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'",
              }),
            }),
          ],
        },
      });
    }
  });

  it('adds no preflight when config.cors.allowOrigins is empty', () => {
    expect(Object.keys(methods(corsOff, 'OPTIONS'))).toHaveLength(0);
  });
});

describe('stage', () => {
  it('throttles every method with config.api limits, logs errors only, never data traces, traces with X-Ray', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        },
      ],
    });
  });

  it('writes a JSON access log line without the Authorization header or the query string', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    const format = stage.Properties.AccessLogSetting.Format as string;
    expect(format).not.toMatch(/authorization|querystring|\$input|requestOverride|\$method\.request|header/i);
    // What API Gateway writes once it substitutes the variables must parse as JSON.
    const line = JSON.parse(
      format.replace('$context.error.messageString', '"Unauthorized"').replace(/\$context\.[a-zA-Z.]+/g, 'x'),
    );
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining([
        'requestId',
        'httpMethod',
        'resourcePath',
        'path',
        'status',
        'sourceIp',
        'principalId',
        'errorMessage',
      ]),
    );
    expect(line.path).toBe('x');
  });
});

describe('logs', () => {
  it('keeps every log group (functions, access, execution) for a year, and retains them on stack deletion', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 4);
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    }
  });

  it("creates the stage's execution log group before the stage, so that API Gateway does not create one without retention", () => {
    const group = template.toJSON().Resources[logicalId(broker.logGroups.execution)];
    expect(render(group.Properties.LogGroupName)).toMatch(/^API-Gateway-Execution-Logs_\$\{\w+\}\/prod$/);
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.DependsOn).toEqual(expect.arrayContaining([logicalId(broker.logGroups.execution)]));
  });

  it("sets the account's API Gateway CloudWatch role with an inline policy, retained on deletion", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      },
    });
  });
});

describe('exposed resources', () => {
  it('url is the stage URL, routes below it', () => {
    const url = render(Stack.of(broker).resolve(broker.url));
    expect(url).toBe(
      `https://\${${logicalId(broker.api)}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/\${${logicalId(broker.api.deploymentStage)}}/`,
    );
  });

  it('logGroups.access is the stage access log destination', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(render(stage.Properties.AccessLogSetting.DestinationArn)).toBe(
      `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${logicalId(broker.logGroups.access)}}`,
    );
  });
});

describe('validation at synth', () => {
  function attempt(config: unknown, props: Record<string, unknown> = {}): () => void {
    return () =>
      new KvsSessionBroker(newStack('Invalid'), 'Broker', { config: config as BrokerConfig, ...props });
  }

  it('refuses a bad config, naming the field', () => {
    expect(attempt({ issuers: [{ ...ISSUER, jwksUri: 'http://idp.example.com/jwks.json' }] })).toThrow(
      /issuers\[0\]\.jwksUri: must be https/,
    );
    expect(attempt({ issuers: [ISSUER], streams: ['bad name!'] })).toThrow(/streams\[0\]/);
  });

  it('refuses a config whose Lambda environment would exceed 4 KB', () => {
    const streams = Array.from({ length: 200 }, (_, i) => `building-${i}-entrance-camera-north`);
    expect(attempt(testConfig({ streams }))).toThrow(
      /over Lambda's 4096-byte limit \(KVS_BROKER_CONFIG alone is \d+ bytes\)/,
    );
  });

  it.each([
    [{ memorySize: 64 }, /memorySize: must be an integer from 128 to 10240/],
    [{ stageName: 'prod/v1' }, /stageName: must be/],
    [
      { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:global/webacl/x/1' },
      /webAclArn: must be the ARN of a regional/,
    ],
  ])('refuses props %j', (props, message) => {
    expect(attempt(testConfig(), props)).toThrow(message);
  });

  it('refuses a CORS origin that is not an origin', () => {
    expect(attempt(testConfig({ cors: { allowOrigins: ["https://app.example.com/'x"] } }))).toThrow(
      /config\.cors\.allowOrigins\[0\]: must be '\*' or an origin/,
    );
  });
});
