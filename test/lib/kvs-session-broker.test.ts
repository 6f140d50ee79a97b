// The broker construct's template, read as the specification of what gets deployed.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { apiResources } from '../../lambda/contract/routes';
import { auditEvent } from '../../lambda/core/audit';
import type { BrokerConfig } from '../../lambda/core/config';
import { ESM_REQUIRE_BANNER, LAMBDA_BUNDLES } from '../../lib/lambda-bundles';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { PLAYBACK_ACTIONS } from '../../lib/stream-permissions';
import { asList, ISSUER, newStack, render, testConfig, type PolicyStatementJson } from './fixtures';

let broker: KvsSessionBroker;
let template: Template;
let corsOff: Template;
/** The cloud assembly directory of the main stack's synth, with its staged Lambda assets. */
let assemblyDir: string;

beforeAll(() => {
  const stack = newStack();
  broker = new KvsSessionBroker(stack, 'Broker', { config: testConfig() });
  template = Template.fromStack(stack);
  // The assembly Template.fromStack synthesized: App.synth() returns it again without synthesizing anew.
  assemblyDir = (stack.node.root as App).synth().directory;

  const plain = newStack('NoCorsStack');
  new KvsSessionBroker(plain, 'Broker', { config: testConfig({ cors: { allowOrigins: [] } }) });
  corsOff = Template.fromStack(plain);
});

function logicalId(construct: IConstruct): string {
  return Stack.of(broker).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The staged asset directory of a Lambda function's code, found through the stack's asset manifest. */
function assetDirectory(functionLogicalId: string): string {
  const code = template.toJSON().Resources[functionLogicalId].Properties.Code as { S3Key: string };
  const stack = Stack.of(broker);
  const manifest = JSON.parse(readFileSync(join(assemblyDir, `${stack.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const assets = Object.values(manifest.files).filter((file) =>
    Object.values(file.destinations).some((d) => d.objectKey === code.S3Key),
  );
  expect(assets).toHaveLength(1);
  return join(assemblyDir, assets[0]!.source.path);
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
    ['POST', 'sessions', 2], // /v1/streams/{streamName}/sessions and /v1/sessions
    ['GET', 'streams', 1],
  ])('%s …/%s is behind the authorizer and proxies to the broker Lambda', (httpMethod, pathPart, count) => {
    const found = Object.values(methods(template, httpMethod)).filter(
      (m) =>
        template.toJSON().Resources[(m.Properties.ResourceId as { Ref: string }).Ref].Properties.PathPart ===
        pathPart,
    );
    expect(found).toHaveLength(count);
    for (const { Properties: method } of found) {
      expect(method.AuthorizationType).toBe('CUSTOM');
      expect(method.AuthorizerId).toEqual({ Ref: logicalId(broker.authorizer) });
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(render((method.Integration as { Uri: unknown }).Uri)).toContain(
        `\${${logicalId(broker.brokerFunction)}.Arn}`,
      );
    }
  });

  it('builds exactly /v1/streams, /v1/streams/{streamName}/sessions, .../webrtc and the archive GETs, /v1/sessions, /v1/revocations and /openapi.json', () => {
    const parts = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (r) => r.Properties.PathPart,
    );
    expect(parts.sort()).toEqual(
      [
        'openapi.json',
        'revocations',
        'sessions',
        'sessions',
        'timeline',
        'images',
        'clip',
        'webrtc',
        'streams',
        'v1',
        '{streamName}',
      ].sort(),
    );
  });

  it('serves GET /openapi.json from the broker without the authorizer (docs/api.md: no token needed)', () => {
    const found = Object.values(methods(template, 'GET')).filter(
      (m) =>
        template.toJSON().Resources[(m.Properties.ResourceId as { Ref: string }).Ref].Properties.PathPart ===
        'openapi.json',
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.Properties).toMatchObject({
      AuthorizationType: 'NONE',
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
    expect(found[0]!.Properties.AuthorizerId).toBeUndefined();
  });

  it('grants API Gateway no test-invoke permission on the broker', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) =>
      render(p.Properties.SourceArn),
    );
    expect(permissions.some((arn) => arn.includes('/test-invoke-stage/'))).toBe(false);
  });
});

describe('Lambda functions', () => {
  it('run Node.js 24 on arm64 with source maps, all five of them (the authorizer and the route table functions)', () => {
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      // X-Ray tracing is off by default (KvsSessionBrokerProps.tracing).
      TracingConfig: Match.absent(),
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it.each([
    ['authorizer', () => broker.authorizerFunction, LAMBDA_BUNDLES.authorizer],
    ['broker', () => broker.brokerFunction, LAMBDA_BUNDLES.broker],
  ])(
    'ship the %s as a minified ESM bundle with the require banner and a source map without sources content',
    (name, fn, entry) => {
      const dir = assetDirectory(logicalId(fn()));
      // The broker reads the committed OpenAPI document from beside its bundle (scripts/build.ts); its chunks
      // (`<name>-<hash>.mjs`, each with its map) are the code it imports, some only when first needed.
      const chunk = /^[a-z-]+-[A-Z0-9]{8}\.mjs(\.map)?$/;
      expect(
        readdirSync(dir)
          .filter((f) => !chunk.test(f))
          .sort(),
      ).toEqual(['index.mjs', 'index.mjs.map', ...(name === 'broker' ? ['openapi.json'] : [])]);
      if (name === 'authorizer') expect(readdirSync(dir).filter((f) => chunk.test(f))).toEqual([]);

      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(`${ESM_REQUIRE_BANNER}\n`)).toBe(true);
      expect(ESM_REQUIRE_BANNER).toMatch(
        /^import \{ createRequire as (\w+) \} from 'node:module'; const require = \1\(import\.meta\.url\);$/,
      );
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
      // Minified: a few very long lines (unminified esbuild output averages some 30 characters a line).
      const lines = code.split('\n');
      expect(Math.max(...lines.map((line) => line.length))).toBeGreaterThan(10_000);
      expect(code.length / lines.length).toBeGreaterThan(1_000);

      const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as Record<string, unknown>;
      expect(map).toMatchObject({ version: 3, mappings: expect.any(String) });
      expect(map).not.toHaveProperty('sourcesContent');
      // The map points at our TypeScript, so stack traces name lambda/**.ts files and lines.
      const entryFile = entry.split('/').slice(-3).join('/');
      expect((map.sources as string[]).filter((source) => source.endsWith(entryFile))).toHaveLength(1);
    },
  );

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

  it('finish before API Gateway gives up on the integration (29 s): the broker stops at 28 s, after its 25 s KVS budget', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('broker'),
      Timeout: 28,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('authorizer'),
      Timeout: 10,
    });
  });
});

describe('IAM', () => {
  it("gives the broker exactly the three playback actions on the configured stream ARNs (the archive ones are the archive and clip functions')", () => {
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
  it('answers preflight on every resource of the route table for the configured origin, without authorization, cached an hour', () => {
    const options = Object.values(methods(template, 'OPTIONS'));
    expect(options).toHaveLength(apiResources().length);
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
                'method.response.header.Access-Control-Max-Age': "'3600'",
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
  it('throttles every method with config.api limits, logs errors only, never data traces, no X-Ray by default', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: false,
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

  /** The stage's access log format, and the line it describes with each variable left as its name. */
  function accessLog(): { format: string; line: Record<string, unknown> } {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    const format = stage.Properties.AccessLogSetting.Format as string;
    // API Gateway writes $context.error.messageString already quoted; quote its name so the format parses.
    const line = JSON.parse(format.replace('$context.error.messageString', '"$context.error.messageString"'));
    return { format, line };
  }

  it('writes a JSON access log line without the Authorization header, the query string or the grants', () => {
    const { format } = accessLog();
    expect(format).not.toMatch(
      /authorization|querystring|\$input|requestOverride|\$method\.request|header|grants/i,
    );
    expect(format).not.toMatch(
      /\$context\.authorizer\.grants|\$context\.requestOverride|\$context\.responseOverride/,
    );
    // Only these variables: no $input, $method, $stageVariables or $util, and no other $context.
    const variables = [...format.matchAll(/\$[a-zA-Z][\w.]*/g)].map((m) => m[0]);
    expect(variables.filter((v) => !v.startsWith('$context.'))).toEqual([]);
    expect(format).not.toContain('\n');
    // What API Gateway writes once it substitutes the variables must parse as JSON, '-' for missing values.
    const written = JSON.parse(
      format
        .replace('$context.error.messageString', '"Unauthorized \\"quoted\\""')
        .replace(/\$context\.[a-zA-Z.]+/g, '-'),
    );
    expect(written).toMatchObject({ audit: 'kvs-gateway', error: { message: 'Unauthorized "quoted"' } });
  });

  it('makes every access log line an audit line (kvs-gateway): exactly these fields, from these variables', () => {
    expect(accessLog().line).toEqual({
      audit: 'kvs-gateway',
      time: '$context.requestTime',
      requestTimeEpoch: '$context.requestTimeEpoch',
      requestId: '$context.requestId',
      extendedRequestId: '$context.extendedRequestId',
      sourceIp: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      httpMethod: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      // The path with the stage and without the query string.
      path: '$context.path',
      protocol: '$context.protocol',
      status: '$context.status',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationStatus: '$context.integrationStatus',
      integrationLatency: '$context.integrationLatency',
      principalId: '$context.authorizer.principalId',
      sub: '$context.authorizer.sub',
      issuer: '$context.authorizer.issuer',
      authorizerStatus: '$context.authorizer.status',
      authorizerLatency: '$context.authorizer.latency',
      authorizerError: '$context.authorizer.error',
      error: { responseType: '$context.error.responseType', message: '$context.error.messageString' },
      xrayTraceId: '$context.xrayTraceId',
    });
  });

  it("names who, when and from where as the broker's kvs-session audit line does, so one Logs Insights query reads both", () => {
    const { line } = accessLog();
    const brokerLine = auditEvent({
      nowMs: 0,
      requestId: 'r',
      issuer: 'i',
      sub: 's',
      streamName: 'cam-1',
      sourceIp: '203.0.113.1',
      userAgent: 'ua',
      errorCode: 'FORBIDDEN',
    });
    for (const shared of ['audit', 'time', 'requestId', 'sub', 'issuer', 'sourceIp', 'userAgent']) {
      expect(brokerLine).toHaveProperty(shared);
      expect(line).toHaveProperty(shared);
    }
    expect(brokerLine.audit).toBe('kvs-session');
  });
});

describe('logs', () => {
  it('keeps every log group (functions, access, execution) for a year, and retains them on stack deletion', () => {
    // The authorizer's and the four route functions', the access log, the execution log.
    template.resourceCountIs('AWS::Logs::LogGroup', 7);
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

  it("leaves the account's API Gateway settings (AWS::ApiGateway::Account, one per account and region) alone by default", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.filter((r) => JSON.stringify(r).includes('apigateway.amazonaws.com'))).toEqual([]);
  });

  it("sets the account's API Gateway CloudWatch role when asked, with an inline policy, retained on deletion", () => {
    const stack = newStack('AccountRole');
    new KvsSessionBroker(stack, 'Broker', { config: testConfig(), apiGatewayCloudWatchRole: true });
    const withRole = Template.fromStack(stack);
    withRole.resourceCountIs('AWS::ApiGateway::Account', 1);
    withRole.hasResource('AWS::IAM::Role', {
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
    const allowOrigins = Array.from(
      { length: 100 },
      (_, i) => `https://app-${i}.customer-portal.example.com`,
    );
    expect(attempt(testConfig({ cors: { allowOrigins } }))).toThrow(
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
    expect(attempt({ issuers: [ISSUER], cors: { allowOrigins: ["https://app.example.com/'x"] } })).toThrow(
      /cors\.allowOrigins\[0\]: must be '\*' or an origin/,
    );
  });
});
