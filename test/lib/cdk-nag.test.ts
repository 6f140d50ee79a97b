// The example stack passes cdk-nag's AWS Solutions pack: every finding fixed or suppressed with a reason.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Aspects, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KvsSessionBrokerStack } from '../../lib/kvs-session-broker-stack';
import { newApp, testConfig } from './fixtures';

const findings = /AwsSolutions-.*/;

function annotated(
  props: Partial<ConstructorParameters<typeof KvsSessionBrokerStack>[2]> = {},
  id = 'NagStack',
) {
  const stack = new KvsSessionBrokerStack(newApp(), id, { config: testConfig(), ...props });
  Aspects.of(stack).add(new AwsSolutionsChecks());
  return Annotations.fromStack(stack);
}

let defaults: Annotations;
let variant: Annotations;

beforeAll(() => {
  defaults = annotated();
  // Several CORS origins, no tracing, the deployer's own web ACL, no account role: the suppressions follow the props.
  variant = annotated(
    {
      config: testConfig({
        streams: ['*'],
        cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
        api: { tokenRateLimit: false, ipRateLimit: false },
      }),
      broker: {
        tracing: false,
        apiGatewayCloudWatchRole: false,
        webAclArn:
          'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/broker/0c5e3ac1-0000-4000-8000-000000000000',
      },
    },
    'NagVariant',
  );
});

describe('cdk-nag AwsSolutions', () => {
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

  it.each([
    ['default props', () => defaults],
    ['variant props', () => variant],
  ])('reports no unsuppressed error with %s', (_name, annotations) => {
    expect(annotations().findError('*', Match.stringLikeRegexp(findings.source))).toEqual([]);
  });

  it.each([
    ['default props', () => defaults],
    ['variant props', () => variant],
  ])('reports no unsuppressed warning with %s', (_name, annotations) => {
    expect(annotations().findWarning('*', Match.stringLikeRegexp(findings.source))).toEqual([]);
  });
});
