// The broker construct's props: their types and defaults, their validation, and the Lambda environment they make.
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { parseConfig, type BrokerConfig } from '../lambda/core/config';
import type { BrokerConfigInput } from './broker-config-input';
import { CONFIG_ENV } from '../lambda/runtime/env';
import { runtimeProblem } from './broker-function';
import { refuseInvalidProps } from './invalid-props';
import { brokerPolicyChars, ROLE_POLICY_MAX_CHARS } from './stream-permissions';
import { METRICS_NAMESPACE, SERVICE_NAME } from './telemetry';

/** Lambda's limit on the total size of a function's environment variables. */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;

export type BrokerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface KvsSessionBrokerProps {
  /**
   * The broker configuration (docs/configuration.md): issuers, served streams, session limits, CORS, API
   * and KVS settings. Fields with defaults may be left out. Validated here: a bad document fails synth with
   * the offending field named. It reaches every Lambda as JSON in `KVS_BROKER_CONFIG`, without its `local`
   * section, with every default filled in.
   */
  readonly config: BrokerConfigInput;

  /**
   * Retention of the Lambda log groups (the audit lines), the access log and the execution log.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to those log groups when the stack is deleted. Audit logs outlive the stack by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Memory of each Lambda, in MB (CPU scales with it, and so does cold start time).
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Instruction set of every Lambda.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Node.js runtime of every Lambda: nodejs24.x, the one the bundles are built for and tested on, or a newer
   * Node.js runtime (synth refuses older ones and other languages). With the default, cdk-nag's AwsSolutions-L1
   * ("not the latest runtime") is acknowledged with that reason once a newer one exists in aws-cdk-lib.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * API Gateway stage name; routes live under it, e.g. `/prod/v1/streams`.
   * @default 'prod'
   */
  readonly stageName?: string;

  /**
   * Active X-Ray tracing on every Lambda and the API stage. Off by default: the Lambdas add no KVS subsegments
   * (Powertools Tracer would add about 129 KB to the broker bundle and about 18 ms of import at cold start), so
   * a trace shows little the access log and metrics do not, at $5 per million traces recorded beyond the free
   * tier (README, "Tracing").
   * @default false
   */
  readonly tracing?: boolean;

  /**
   * Powertools log level of every Lambda (`POWERTOOLS_LOG_LEVEL`). Audit lines are logged at INFO.
   * @default 'INFO'
   */
  readonly logLevel?: BrokerLogLevel;

  /**
   * API Gateway execution logging level. ERROR keeps request data out of the execution log; data tracing
   * (full requests, Authorization header included) is always off.
   * @default apigw.MethodLoggingLevel.ERROR
   */
  readonly executionLogLevel?: apigw.MethodLoggingLevel;

  /**
   * Create this region's API Gateway account settings (AWS::ApiGateway::Account) with a CloudWatch role.
   * API Gateway writes access and execution logs only once the account and region has such a role. It is
   * ONE setting per account and region, shared by every REST API there: two stacks that both set it
   * (staging and prod, say) overwrite each other and any role a platform team manages. Turn it on only in
   * the one stack of an account and region that owns the setting, when none is set yet (the API Gateway
   * console's Settings page shows it). The role is retained on stack deletion so that other APIs keep logging.
   * @default false
   */
  readonly apiGatewayCloudWatchRole?: boolean;

  /**
   * ARN of a regional AWS WAFv2 web ACL of your own to associate with the stage, instead of the construct's
   * rate limits. A stage holds one web ACL, so set `config.api.tokenRateLimit: false` and
   * `config.api.ipRateLimit: false` with it (synth refuses otherwise) and put rate-based rules in your ACL.
   * @default - the construct's web ACL with the `config.api.tokenRateLimit` and `config.api.ipRateLimit` rules
   * (both on by default)
   */
  readonly webAclArn?: string;

  /**
   * Point-in-time recovery of the viewer-state table (made only when the config asks for revocation or seats):
   * continuous backups for 35 days, billed per GB-month of the (small) table.
   * @default true
   */
  readonly statePointInTimeRecovery?: boolean;

  /**
   * What happens to the viewer-state table when the stack is deleted. Revocations must outlive a redeploy of the
   * stack, so it is kept by default, like the log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly stateRemovalPolicy?: RemovalPolicy;

  /**
   * Name of the REST API; also the ApiName dimension of its CloudWatch metrics, so keep it unique.
   * @default `${stackName}-${constructId}`
   */
  readonly apiName?: string;
}

/** The construct's defaults, in one place. */
export const KVS_SESSION_BROKER_DEFAULTS = {
  logRetention: logs.RetentionDays.ONE_YEAR,
  logRemovalPolicy: RemovalPolicy.RETAIN,
  memorySize: 512,
  stageName: 'prod',
  tracing: false,
  logLevel: 'INFO' as BrokerLogLevel,
  executionLogLevel: apigw.MethodLoggingLevel.ERROR,
  apiGatewayCloudWatchRole: false,
  statePointInTimeRecovery: true,
  stateRemovalPolicy: RemovalPolicy.RETAIN,
} as const;

/** The authorizer verifies one JWT (JWKS usually cached); a cold JWKS fetch fits well inside this. */
export const AUTHORIZER_TIMEOUT = Duration.seconds(10);
/**
 * API Gateway gives up on a REST integration after 29 s ("Integration timeout: 50 milliseconds - 29 seconds",
 * API Gateway quotas). The broker's viewer-state calls share a 2 s budget (STATE_BUDGET_MS), then its KVS calls a
 * 25 s one (KVS_BUDGET_MS); the function stops at 28 s,
 * before API Gateway, so that even a stuck invocation ends as a Lambda error the alarms see.
 */
export const BROKER_TIMEOUT = Duration.seconds(28);
/**
 * The clip function streams GetClip's body (up to 100 MB) behind a STREAM integration, which may last 15 minutes;
 * API Gateway sends the first 10 MB of a streamed response unthrottled and the rest at 2 MB/s (API Gateway developer
 * guide, "Stream the integration response for your proxy integrations"): 100 MB takes about 45 s after the KVS calls.
 */
export const CLIP_TIMEOUT = Duration.minutes(2);
/** API Gateway's REST integration timeout: no function behind the API may run longer. */
export const API_GATEWAY_INTEGRATION_TIMEOUT = Duration.seconds(29);

const STAGE_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** Checks the props; returns the validated config. Throws with the offending prop named. */
export function validateKvsSessionBrokerProps(props: KvsSessionBrokerProps): BrokerConfig {
  const config = parseConfig(props.config);
  const problems: string[] = [];
  const { memorySize, stageName, webAclArn, runtime } = props;
  const runtimeIssue = runtime === undefined ? undefined : runtimeProblem(runtime);
  if (runtimeIssue !== undefined) problems.push(runtimeIssue);
  if (
    memorySize !== undefined &&
    !(Number.isInteger(memorySize) && memorySize >= 128 && memorySize <= 10240)
  ) {
    problems.push(`memorySize: must be an integer from 128 to 10240 MB, got ${memorySize}`);
  }
  if (stageName !== undefined && !STAGE_NAME.test(stageName)) {
    problems.push(`stageName: must be 1..128 of [a-zA-Z0-9_-], got '${stageName}'`);
  }
  const policyChars = brokerPolicyChars(config.streams, config.webrtc?.channelName);
  if (policyChars > ROLE_POLICY_MAX_CHARS) {
    problems.push(
      `config.streams: the broker role's policy would be about ${policyChars} characters, over IAM's ${ROLE_POLICY_MAX_CHARS} per role; ` +
        'name fewer streams, or use prefixes (site7-*)',
    );
  }
  if (
    webAclArn !== undefined &&
    !Token.isUnresolved(webAclArn) &&
    !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\//.test(webAclArn)
  ) {
    problems.push(`webAclArn: must be the ARN of a regional WAFv2 web ACL, got '${webAclArn}'`);
  }
  for (const field of ['tokenRateLimit', 'ipRateLimit'] as const) {
    if (webAclArn !== undefined && config.api[field] !== false) {
      problems.push(
        `webAclArn: a stage holds one web ACL, and config.api.${field} makes one (a WAF rate-based rule); ` +
          `set config.api.${field} to false and put a rate-based rule in your own web ACL`,
      );
    }
  }
  refuseInvalidProps('KvsSessionBroker', problems);
  return config;
}

/** The Lambda environment shared by every function, checked against Lambda's 4 KB limit. */
export function brokerEnvironment(config: BrokerConfig, logLevel: BrokerLogLevel): Record<string, string> {
  const { local: _local, ...deployed } = config;
  const configJson = JSON.stringify(deployed);
  const environment = {
    [CONFIG_ENV]: configJson,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
  // Measured as serialized JSON: a little over what Lambda counts, so a config that passes here deploys.
  const size = Buffer.byteLength(JSON.stringify(environment), 'utf8');
  if (size > LAMBDA_ENV_LIMIT_BYTES) {
    throw new Error(
      `KvsSessionBroker: the Lambda environment would be ${size} bytes, over Lambda's ${LAMBDA_ENV_LIMIT_BYTES}-byte limit ` +
        `(${CONFIG_ENV} alone is ${Buffer.byteLength(configJson, 'utf8')} bytes). ` +
        'Shorten the configuration: fewer or shorter issuers, streams or cors.allowOrigins.',
    );
  }
  return environment;
}
