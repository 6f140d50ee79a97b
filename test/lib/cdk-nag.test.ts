// The example stack passes cdk-nag's AWS Solutions pack, in both majors: cdk-nag 2 (an Aspect reading `cdk_nag`
// metadata) and cdk-nag 3 (a policy-validation plugin reading CDK acknowledgements). Every finding is fixed or
// accepted with a reason (lib/nag.ts), for environment-agnostic stacks and stacks with an explicit env alike.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Aspects, Stack, type Environment } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecks3 } from 'cdk-nag-3';
import { KvsSessionBrokerStack } from '../../lib/kvs-session-broker-stack';
import { ISSUER, newApp, testConfig } from './fixtures';

const findings = /AwsSolutions-.*/;
const ENV: Environment = { account: '123456789012', region: 'eu-west-1' };

type StackProps = Partial<ConstructorParameters<typeof KvsSessionBrokerStack>[2]>;

// Several CORS origins, tracing, the deployer's own web ACL, the account role: the acceptances follow the props.
const VARIANT: StackProps = {
  config: testConfig({
    streams: ['door-cam', 'site7-*', 'yard-*'],
    cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
    api: { tokenRateLimit: false, ipRateLimit: false },
  }),
  broker: {
    tracing: true,
    apiGatewayCloudWatchRole: true,
    webAclArn:
      'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/broker/0c5e3ac1-0000-4000-8000-000000000000',
  },
};

const CASES: [string, StackProps][] = [
  ['default props, no env', {}],
  ['default props, explicit env', { env: ENV }],
  ['variant props, no env', VARIANT],
  ['variant props, explicit env', { ...VARIANT, env: ENV }],
  // The WebRTC function's channel ARNs, and every route function's grant on the viewer-state table.
  [
    'config webrtc, revocation and seats',
    {
      config: testConfig({
        webrtc: { channelName: 'rtc-{stream}' },
        issuers: [{ ...ISSUER, adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 }],
        viewers: { seatsPerPrincipal: 2 },
      }),
    },
  ],
];

function stackWith(props: StackProps, id = 'NagStack') {
  return new KvsSessionBrokerStack(newApp(), id, { config: testConfig(), ...props });
}

/** cdk-nag 2: its findings as annotations (unsuppressed errors fail synth with cdk init's flags). */
function nag2(props: StackProps): Annotations {
  const stack = stackWith(props);
  Aspects.of(stack).add(new AwsSolutionsChecks());
  return Annotations.fromStack(stack);
}

/** cdk-nag 3: its report of the whole app, as `Validations.of(app).addPlugins(...)` runs it at synth. */
function nag3(props: StackProps): string[] {
  const stack = stackWith(props);
  const report = new AwsSolutionsChecks3(stack.node.root).validateScope(stack.node.root);
  return report.violations.map((v) => `${v.severity} ${v.ruleName}`);
}

let v2: Annotations[];
let v3: string[][];

beforeAll(() => {
  v2 = CASES.map(([, props]) => nag2(props));
  v3 = CASES.map(([, props]) => nag3(props));
});

describe('cdk-nag 2 AwsSolutions', () => {
  it('is live: it reports an unsuppressed finding (a Lambda-style role with an AWS managed policy)', () => {
    const stack = new Stack(newApp(), 'Bad');
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    Aspects.of(stack).add(new AwsSolutionsChecks());
    // With cdk init's flag @aws-cdk/core:annotationsInValidationReport, an error annotation fails synth itself.
    expect(() => Annotations.fromStack(stack)).toThrow(
      /ERROR AwsSolutions-IAM4\[Policy::.*AWSLambdaBasicExecutionRole\]/,
    );
  });

  it.each(CASES.map(([name], i) => [name, i] as const))(
    'reports no unsuppressed error or warning with %s',
    (_n, i) => {
      expect(v2[i]!.findError('*', Match.stringLikeRegexp(findings.source))).toEqual([]);
      expect(v2[i]!.findWarning('*', Match.stringLikeRegexp(findings.source))).toEqual([]);
    },
  );
});

describe('cdk-nag 3 AwsSolutions', () => {
  it('is live: it reports an unacknowledged finding', () => {
    const stack = new Stack(newApp(), 'Bad');
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    const report = new AwsSolutionsChecks3(stack.node.root).validateScope(stack.node.root);
    expect(report.violations.map((v) => v.ruleName)).toContain(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    );
  });

  it.each(CASES.map(([name], i) => [name, i] as const))('reports no violation with %s', (_n, i) => {
    expect(v3[i]).toEqual([]);
  });
});

describe('the runtime and AwsSolutions-L1', () => {
  it('acknowledges L1 for the default nodejs24.x, with the reason, in both majors', () => {
    const stack = stackWith({ env: ENV }, 'L1');
    const fn = stack.broker.brokerFunction.node.defaultChild as lambda.CfnFunction;
    expect(fn.runtime).toBe('nodejs24.x');
    expect(fn.getMetadata('cdk_nag')).toEqual({
      rules_to_suppress: expect.arrayContaining([
        {
          id: 'AwsSolutions-L1',
          reason: expect.stringMatching(/^nodejs24\.x is the runtime the bundles are built for/),
        },
      ]),
    });
  });

  it('accepts nothing for a runtime the deployer picks: the latest one needs no acknowledgement', () => {
    const latest = lambda.Runtime.ALL.filter((r) => /^nodejs\d+\.x$/.test(r.name))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
      .at(-1)!;
    const props: StackProps = { broker: { runtime: latest } };
    const stack = stackWith(props, 'Latest');
    expect((stack.broker.brokerFunction.node.defaultChild as lambda.CfnFunction).runtime).toBe(latest.name);
    expect(nag3(props)).toEqual([]);
  });

  it('refuses a runtime the bundles cannot run on', () => {
    expect(() => stackWith({ broker: { runtime: lambda.Runtime.NODEJS_22_X } })).toThrow(
      /runtime: must be a Node\.js runtime from nodejs24\.x on .*got 'nodejs22\.x'/,
    );
    expect(() => stackWith({ broker: { runtime: lambda.Runtime.PYTHON_3_13 } })).toThrow(/got 'python3\.13'/);
  });
});
