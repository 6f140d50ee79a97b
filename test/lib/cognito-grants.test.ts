// The Cognito grants construct: a V2_0 pre token generation trigger on the user pool, running the prebuilt bundle.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { KvsCognitoGrants } from '../../lib/cognito-grants';
import { deployRuleViolations, type TemplateJson } from './deploy-rules';
import { newStack, render } from './fixtures';

const MAPPING = {
  groups: [{ groupPrefix: 'kvs-live-', grants: [{ stream: '{name}-*', modes: ['LIVE' as const] }] }],
};

let template: Template;
let grants: KvsCognitoGrants;

beforeAll(() => {
  const stack = newStack();
  const pool = new cognito.UserPool(stack, 'Pool', { featurePlan: cognito.FeaturePlan.ESSENTIALS });
  grants = new KvsCognitoGrants(stack, 'Grants', { userPool: pool, mapping: MAPPING });
  template = Template.fromStack(stack);
});

describe('KvsCognitoGrants', () => {
  it('adds the trigger as the pool pre token generation config, event version V2_0 (claims and scopes in access tokens)', () => {
    const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0]!;
    const config = pool.Properties.LambdaConfig.PreTokenGenerationConfig;
    expect(config.LambdaVersion).toBe('V2_0');
    expect(render(config.LambdaArn)).toMatch(/^\$\{GrantsTrigger\w+\.Arn\}$/);
  });

  it('lets only this user pool invoke the trigger', () => {
    const permission = Object.values(template.findResources('AWS::Lambda::Permission'))[0]!.Properties;
    expect(permission.Principal).toBe('cognito-idp.amazonaws.com');
    expect(render(permission.SourceArn)).toMatch(/^\$\{Pool\w+\.Arn\}$/);
  });

  it('runs the prebuilt cognito bundle on Node 24 within the 5 s Cognito allows a trigger, with the mapping validated and defaulted', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 5,
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!.Properties;
    expect(JSON.parse(fn.Environment.Variables.KVS_COGNITO_GRANTS_CONFIG)).toEqual({
      ...MAPPING,
      claimName: 'kvs',
      scopePrefix: 'kvs',
      accessToken: 'scope',
      idToken: true,
      maxGrants: 100,
    });
    expect(grants.mapping.accessToken).toBe('scope');
  });

  it('passes the deploy-time rules', () => {
    expect(deployRuleViolations(template.toJSON() as TemplateJson)).toEqual([]);
  });

  it('refuses a bad mapping at synth, naming the field', () => {
    const stack = newStack('Bad');
    const pool = new cognito.UserPool(stack, 'Pool');
    expect(
      () =>
        new KvsCognitoGrants(stack, 'Grants', { userPool: pool, mapping: { accessToken: 'token' as never } }),
    ).toThrow(/accessToken/);
  });

  it('refuses a Lite user pool: the V2_0 event needs the Essentials or Plus feature plan', () => {
    const stack = newStack('Lite');
    const pool = new cognito.UserPool(stack, 'Pool', { featurePlan: cognito.FeaturePlan.LITE });
    expect(() => new KvsCognitoGrants(stack, 'Grants', { userPool: pool, mapping: MAPPING })).toThrow(
      /Lite feature plan/,
    );
  });
});

describe('KvsCognitoGrants and a grants attribute users might write', () => {
  const WITH_ATTRIBUTE = { ...MAPPING, grantsAttribute: 'custom:kvs_grants' };
  const READONLY = new cognito.ClientAttributes().withStandardAttributes({ email: true });
  const synth = (stack: Stack) => () => Template.fromStack(stack);
  const poolIn = (stack: Stack) =>
    new cognito.UserPool(stack, 'Pool', {
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      customAttributes: { kvs_grants: new cognito.StringAttribute({ mutable: true }) },
    });

  it('refuses a standard attribute at once: users may write standard attributes', () => {
    const stack = newStack('Standard');
    expect(
      () =>
        new KvsCognitoGrants(stack, 'Grants', {
          userPool: poolIn(stack),
          mapping: { ...MAPPING, grantsAttribute: 'profile' },
        }),
    ).toThrow(/'profile' is a standard attribute, which users may write/);
  });

  it('refuses at synth an app client without writeAttributes (users may write every attribute), even one added after the construct', () => {
    const stack = newStack('NoWrites');
    const pool = poolIn(stack);
    new KvsCognitoGrants(stack, 'Grants', { userPool: pool, mapping: WITH_ATTRIBUTE });
    pool.addClient('Web', { writeAttributes: READONLY });
    pool.addClient('Mobile');
    expect(synth(stack)).toThrow(
      /app client NoWrites\/Pool\/Mobile\/Resource has no writeAttributes .*'custom:kvs_grants'/,
    );
  });

  it('refuses at synth an app client whose writeAttributes list the attribute, wherever the client is defined', () => {
    const stack = newStack('Listed');
    const pool = poolIn(stack);
    new KvsCognitoGrants(stack, 'Grants', { userPool: pool, mapping: WITH_ATTRIBUTE });
    new cognito.UserPoolClient(stack, 'Elsewhere', {
      userPool: pool,
      writeAttributes: READONLY.withCustomAttributes('kvs_grants'),
    });
    expect(synth(stack)).toThrow(/app client Listed\/Elsewhere\/Resource lists it in writeAttributes/);
  });

  it('accepts a custom attribute when every app client of the pool has writeAttributes without it; other pools do not count', () => {
    const stack = newStack('Safe');
    const pool = poolIn(stack);
    new KvsCognitoGrants(stack, 'Grants', { userPool: pool, mapping: WITH_ATTRIBUTE });
    pool.addClient('Web', { writeAttributes: READONLY });
    new cognito.UserPool(stack, 'Other').addClient('Open');
    expect(synth(stack)).not.toThrow();
  });
});
