// Grants from Amazon Cognito: a pre token generation trigger (event version V2_0) that writes the broker's grants
// into the tokens of a user pool, from the user's groups or a grants attribute (lambda/cognito, docs/IDENTITY-PROVIDERS.md).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { COGNITO_CONFIG_ENV } from '../lambda/cognito/env';
import {
  parseCognitoGrantsConfig,
  type AccessTokenGrants,
  type CognitoGrantsConfig,
  type CognitoGrantsConfigInput,
  type GrantTemplate,
  type GroupRule,
} from '../lambda/cognito/mapping-config';
import { BrokerFunction } from './broker-function';

export type { AccessTokenGrants, CognitoGrantsConfig, CognitoGrantsConfigInput, GrantTemplate, GroupRule };

/**
 * Cognito waits 5 seconds for a Lambda trigger, then fails the sign-in (Amazon Cognito Developer Guide,
 * "Customizing user pool workflows with Lambda triggers"): the function stops there too.
 */
export const COGNITO_TRIGGER_TIMEOUT = Duration.seconds(5);

export interface KvsCognitoGrantsProps {
  /**
   * The user pool whose tokens carry the grants. Adding claims to ACCESS tokens needs the V2_0 trigger event,
   * which needs the Essentials or Plus feature plan (not Lite).
   */
  readonly userPool: cognito.UserPool;

  /** Group rules and the grants attribute (lambda/cognito/mapping.ts; docs/IDENTITY-PROVIDERS.md). */
  readonly mapping: CognitoGrantsConfigInput;

  /**
   * Memory of the trigger, in MB.
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Instruction set of the trigger.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Node.js runtime of the trigger: nodejs24.x (built for and tested on) or newer.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Retention of the trigger's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Adds the pre token generation trigger (V2_0) to a user pool. The ID token gets the grants as the `kvs` claim,
 * the access token as `kvs:<MODE>:<stream>` scopes by default (configure the broker's issuer with
 * `grantsFrom: "scope"` for access tokens).
 *
 * A `grantsAttribute` users can write would let them grant themselves every stream, so synth refuses a standard
 * attribute always, and a custom one unless every app client of the pool in the same CDK app gives explicit
 * `writeAttributes` without it (an app client without `writeAttributes` lets users write every attribute). It
 * cannot see app clients made outside this CDK app (console, CLI, another stack's tooling): keep the attribute out
 * of their write attributes too (docs/IDENTITY-PROVIDERS.md).
 */
export class KvsCognitoGrants extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  /** The validated mapping the trigger receives. */
  readonly mapping: CognitoGrantsConfig;

  constructor(scope: Construct, id: string, props: KvsCognitoGrantsProps) {
    super(scope, id);
    this.mapping = parseCognitoGrantsConfig(props.mapping);
    const tier = (props.userPool.node.defaultChild as cognito.CfnUserPool).userPoolTier;
    if (tier === cognito.FeaturePlan.LITE) {
      throw new Error(
        'KvsCognitoGrants: the user pool has the Lite feature plan; the V2_0 pre token generation event (claims and scopes in access tokens) needs Essentials or Plus',
      );
    }
    const fn = new BrokerFunction(this, 'Trigger', {
      bundle: 'cognito',
      description: 'kvs-session-broker Cognito pre token generation: grants from groups',
      memorySize: props.memorySize ?? 256,
      timeout: COGNITO_TRIGGER_TIMEOUT,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      ...(props.runtime ? { runtime: props.runtime } : {}),
      tracing: false,
      environment: {
        [COGNITO_CONFIG_ENV]: JSON.stringify(this.mapping),
        POWERTOOLS_SERVICE_NAME: 'kvs-session-broker-cognito',
        NODE_OPTIONS: '--enable-source-maps',
      },
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logRemovalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;
    const attribute = this.mapping.grantsAttribute;
    if (attribute !== undefined) {
      if (!attribute.startsWith('custom:')) {
        throw new Error(
          `KvsCognitoGrants: mapping.grantsAttribute '${attribute}' is a standard attribute, which users may write; use a custom attribute (custom:...) that no app client lets users write`,
        );
      }
      const pool = props.userPool;
      this.node.addValidation({ validate: () => writableBy(pool, attribute) });
    }
    props.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.function,
      cognito.LambdaVersion.V2_0,
    );
  }
}

/**
 * The app clients of `pool` in the same CDK app that let users write `attribute` (in the same stack, where the
 * client's UserPoolId resolves to the pool's own reference): one message each. Run at synth, when every client of
 * the app exists.
 */
export function writableBy(pool: cognito.UserPool, attribute: string): string[] {
  const stack = Stack.of(pool);
  const poolRef = JSON.stringify(stack.resolve(pool.userPoolId));
  return pool.node.root.node
    .findAll()
    .filter((c): c is cognito.CfnUserPoolClient => c instanceof cognito.CfnUserPoolClient)
    .filter((c) => Stack.of(c) === stack && JSON.stringify(stack.resolve(c.userPoolId)) === poolRef)
    .flatMap((c) => {
      const writes = stack.resolve(c.writeAttributes) as unknown;
      if (Array.isArray(writes) && !writes.includes(attribute)) return [];
      const why = Array.isArray(writes)
        ? `lists it in writeAttributes`
        : 'has no writeAttributes (users may write every attribute)';
      return [
        `KvsCognitoGrants: the app client ${c.node.path} ${why}: users could write the grants attribute '${attribute}' and grant themselves any stream; give it writeAttributes without it`,
      ];
    });
}
