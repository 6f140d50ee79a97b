// The product as an L3 construct: REST API + JWT request authorizer + broker Lambda, wired per DESIGN.md.
import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  apiResources,
  PREFLIGHT_ALLOW_HEADERS,
  PREFLIGHT_MAX_AGE_SECONDS,
  ROUTES,
} from '../lambda/contract/routes';
import { parseConfig, type BrokerConfig, type BrokerConfigInput } from '../lambda/core/config';
import { CONFIG_ENV } from '../lambda/runtime/env';
import { accessLogFormat } from './access-log';
import { BrokerFunction } from './broker-function';
import { addGatewayErrorResponses } from './gateway-responses';
import { IpRateLimit } from './ip-rate-limit';
import { brokerKvsStatements, brokerPolicyChars, ROLE_POLICY_MAX_CHARS } from './stream-permissions';
import { METRICS_NAMESPACE, SERVICE_NAME } from './telemetry';

/** Lambda's limit on the total size of a function's environment variables. */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;

export type BrokerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface KvsSessionBrokerProps {
  /**
   * The broker configuration (docs/configuration.md): issuers, served streams, session limits, CORS, API
   * and KVS settings. Fields with defaults may be left out. Validated here: a bad document fails synth with
   * the offending field named. It reaches both Lambdas as JSON in `KVS_BROKER_CONFIG`, without its `local`
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
   * Instruction set of both Lambdas.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * API Gateway stage name; routes live under it, e.g. `/prod/v1/streams`.
   * @default 'prod'
   */
  readonly stageName?: string;

  /**
   * Active X-Ray tracing on both Lambdas and the API stage.
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Powertools log level of both Lambdas (`POWERTOOLS_LOG_LEVEL`). Audit lines are logged at INFO.
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
   * per-client-IP rate limit. A stage holds one web ACL, so set `config.api.ipRateLimit: false` with it (synth
   * refuses both) and put a rate-based rule in your ACL.
   * @default - the construct's web ACL with the `config.api.ipRateLimit` rule (on by default)
   */
  readonly webAclArn?: string;

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
  tracing: true,
  logLevel: 'INFO' as BrokerLogLevel,
  executionLogLevel: apigw.MethodLoggingLevel.ERROR,
  apiGatewayCloudWatchRole: false,
} as const;

/** The authorizer verifies one JWT (JWKS usually cached); a cold JWKS fetch fits well inside this. */
export const AUTHORIZER_TIMEOUT = Duration.seconds(10);
/**
 * API Gateway gives up on a REST integration after 29 s ("Integration timeout: 50 milliseconds - 29 seconds",
 * API Gateway quotas). The broker's KVS calls share a 25 s budget (KVS_BUDGET_MS); the function stops at 28 s,
 * before API Gateway, so that even a stuck invocation ends as a Lambda error the alarms see.
 */
export const BROKER_TIMEOUT = Duration.seconds(28);
/** API Gateway's REST integration timeout: no function behind the API may run longer. */
export const API_GATEWAY_INTEGRATION_TIMEOUT = Duration.seconds(29);

const STAGE_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** Checks the props; returns the validated config. Throws with the offending prop named. */
export function validateKvsSessionBrokerProps(props: KvsSessionBrokerProps): BrokerConfig {
  const config = parseConfig(props.config);
  const problems: string[] = [];
  const { memorySize, stageName, webAclArn } = props;
  if (
    memorySize !== undefined &&
    !(Number.isInteger(memorySize) && memorySize >= 128 && memorySize <= 10240)
  ) {
    problems.push(`memorySize: must be an integer from 128 to 10240 MB, got ${memorySize}`);
  }
  if (stageName !== undefined && !STAGE_NAME.test(stageName)) {
    problems.push(`stageName: must be 1..128 of [a-zA-Z0-9_-], got '${stageName}'`);
  }
  const policyChars = brokerPolicyChars(config.streams);
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
  if (webAclArn !== undefined && config.api.ipRateLimit !== false) {
    problems.push(
      'webAclArn: a stage holds one web ACL, and config.api.ipRateLimit makes one (a WAF rate-based rule); ' +
        'set config.api.ipRateLimit to false and put a rate-based rule in your own web ACL',
    );
  }
  if (problems.length > 0) {
    throw new Error(`Invalid KvsSessionBroker props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return config;
}

/** The Lambda environment shared by both functions, checked against Lambda's 4 KB limit. */
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

/** The log groups the construct owns. */
export interface KvsSessionBrokerLogGroups {
  /** The authorizer Lambda's log (refusal reasons). */
  readonly authorizer: logs.LogGroup;
  /** The broker Lambda's log: one audit line per decision (DESIGN section 6). */
  readonly broker: logs.LogGroup;
  /** The API stage's JSON access log. */
  readonly access: logs.LogGroup;
  /** The API stage's execution log, created ahead of API Gateway so that it has a retention. */
  readonly execution: logs.LogGroup;
}

/**
 * A REST API that hands out short-lived Kinesis Video Streams playback URLs to JWT holders (DESIGN.md):
 * `POST /v1/streams/{streamName}/sessions` and `GET /v1/streams`, both behind a Lambda REQUEST
 * authorizer, both served by one broker Lambda whose role reaches only the configured streams.
 */
export class KvsSessionBroker extends Construct {
  /** The validated configuration the Lambdas receive. */
  readonly config: BrokerConfig;
  readonly api: apigw.RestApi;
  readonly authorizer: apigw.RequestAuthorizer;
  readonly authorizerFunction: lambda.Function;
  readonly brokerFunction: lambda.Function;
  readonly logGroups: KvsSessionBrokerLogGroups;
  /** The stage URL, ending in `/`: routes are `${url}v1/...`. */
  readonly url: string;
  /** The per-client-IP rate limit's web ACL, unless `config.api.ipRateLimit` is false or `webAclArn` is given. */
  readonly ipRateLimit?: IpRateLimit;

  constructor(scope: Construct, id: string, props: KvsSessionBrokerProps) {
    super(scope, id);
    // Validate, then build.
    const config = validateKvsSessionBrokerProps(props);
    const settings = { ...KVS_SESSION_BROKER_DEFAULTS, ...definedOnly(props) };
    const environment = brokerEnvironment(config, settings.logLevel);
    this.config = config;

    const functionDefaults = {
      memorySize: settings.memorySize,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      tracing: settings.tracing,
      environment,
      logRetention: settings.logRetention,
      logRemovalPolicy: settings.logRemovalPolicy,
    };
    const authorizerFn = new BrokerFunction(this, 'Authorizer', {
      ...functionDefaults,
      bundle: 'authorizer',
      description: 'kvs-session-broker JWT authorizer',
      timeout: AUTHORIZER_TIMEOUT,
    });
    const brokerFn = new BrokerFunction(this, 'Broker', {
      ...functionDefaults,
      bundle: 'broker',
      description: 'kvs-session-broker session broker',
      timeout: BROKER_TIMEOUT,
    });
    for (const statement of brokerKvsStatements(this, config.streams)) brokerFn.role.addToPolicy(statement);
    this.authorizerFunction = authorizerFn.function;
    this.brokerFunction = brokerFn.function;

    const accessLogGroup = new logs.LogGroup(this, 'AccessLog', {
      retention: settings.logRetention,
      removalPolicy: settings.logRemovalPolicy,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.apiName ?? `${Stack.of(this).stackName}-${id}`,
      description: 'kvs-session-broker: short-lived Kinesis Video Streams playback URLs for JWT holders',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: settings.stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogGroup),
        accessLogFormat: accessLogFormat(),
        loggingLevel: settings.executionLogLevel,
        dataTraceEnabled: false,
        tracingEnabled: settings.tracing,
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
      },
    });

    const executionLogGroup = new logs.LogGroup(this, 'ExecutionLog', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${settings.stageName}`,
      retention: settings.logRetention,
      removalPolicy: settings.logRemovalPolicy,
    });
    this.api.deploymentStage.node.addDependency(executionLogGroup);
    if (settings.apiGatewayCloudWatchRole) this.configureApiGatewayAccount();

    this.authorizer = new apigw.RequestAuthorizer(this, 'JwtAuthorizer', {
      handler: this.authorizerFunction,
      // The cache key: one token, one cached policy, which therefore lists every stream the token grants.
      identitySources: [apigw.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(config.api.authorizerCacheTtlSeconds),
    });

    this.addRoutes(config.cors.allowOrigins);
    addGatewayErrorResponses(this.api, config.cors.allowOrigins);

    if (props.webAclArn !== undefined) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    } else if (config.api.ipRateLimit !== false) {
      this.ipRateLimit = new IpRateLimit(this, 'IpRateLimit', {
        stage: this.api.deploymentStage,
        settings: config.api.ipRateLimit,
        allowOrigins: config.cors.allowOrigins,
        metricName: `${Stack.of(this).stackName}-${id}`.replace(/[^\w#:.\-/]/g, '-').slice(0, 200),
      });
    }

    this.logGroups = {
      authorizer: authorizerFn.logGroup,
      broker: brokerFn.logGroup,
      access: accessLogGroup,
      execution: executionLogGroup,
    };
    this.url = this.api.url;
    // RestApi adds an `Endpoint` output of its own; outputs are the stack's business, not the construct's.
    this.api.node.tryRemoveChild('Endpoint');

    this.addNagSuppressions(
      props.webAclArn !== undefined || this.ipRateLimit !== undefined,
      settings.tracing,
      authorizerFn.role,
      brokerFn.role,
    );
  }

  /** The methods of the route table (lambda/contract/routes.ts), all on the broker; CORS preflight per resource. */
  private addRoutes(allowOrigins: readonly string[]): void {
    // Proxy integration; no test-invoke permission, so the console cannot call the broker past the authorizer.
    const integration = new apigw.LambdaIntegration(this.brokerFunction, {
      proxy: true,
      allowTestInvoke: false,
    });
    const guarded: apigw.MethodOptions = {
      authorizer: this.authorizer,
      authorizationType: apigw.AuthorizationType.CUSTOM,
    };
    const open: apigw.MethodOptions = { authorizationType: apigw.AuthorizationType.NONE };
    for (const route of ROUTES) {
      const method = this.api.root
        .resourceForPath(route.path)
        .addMethod(route.method, integration, route.authorizer === 'jwt' ? guarded : open);
      if (route.authorizer === 'none') {
        NagSuppressions.addResourceSuppressions(method, [
          {
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public by design (DESIGN section 2: ${route.summary.toLowerCase()}); it serves no stream data and stays behind stage throttling.`,
          },
          { id: 'AwsSolutions-COG4', reason: 'A public route: no authorizer of any kind.' },
        ]);
      }
    }
    if (allowOrigins.length === 0) return;
    for (const resource of apiResources()) {
      this.api.root.resourceForPath(resource.path).addCorsPreflight({
        allowOrigins: [...allowOrigins],
        allowMethods: [...resource.methods],
        allowHeaders: [...PREFLIGHT_ALLOW_HEADERS],
        maxAge: Duration.seconds(PREFLIGHT_MAX_AGE_SECONDS),
      });
    }
  }

  /** The account-level role API Gateway uses to write this stage's access and execution logs. */
  private configureApiGatewayAccount(): void {
    const stack = Stack.of(this);
    const logGroupsInRegion = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const role = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway account role: writes REST API access and execution logs in this region',
      inlinePolicies: {
        PushToCloudWatchLogs: new iam.PolicyDocument({
          // The actions of AWSManagedPolicy AmazonAPIGatewayPushToCloudWatchLogs, limited to log groups of
          // this account and region. Not narrower: the setting serves every REST API in the region.
          statements: [
            new iam.PolicyStatement({
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogGroups',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
                'logs:GetLogEvents',
                'logs:FilterLogEvents',
              ],
              resources: [logGroupsInRegion],
            }),
          ],
        }),
      },
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigw.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
    this.api.deploymentStage.node.addDependency(account);
    NagSuppressions.addResourceSuppressions(role, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The API Gateway account role serves every REST API of this account and region, whose log group names are not known here; it is limited to log groups of this account and region.',
        appliesTo: [
          { regex: '/^Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:\\*$/g' },
        ],
      },
    ]);
  }

  private addNagSuppressions(
    hasWebAcl: boolean,
    tracing: boolean,
    authorizerRole: iam.Role,
    brokerRole: iam.Role,
  ): void {
    NagSuppressions.addResourceSuppressions(
      this.api,
      [
        {
          id: 'AwsSolutions-APIG2',
          reason:
            'Requests are validated in the broker Lambda against the one request schema, so that errors carry DESIGN.md codes and name the field; an API Gateway model would duplicate it with other messages.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason:
            'Callers hold JWTs from several external identity providers (DESIGN section 3); a Lambda REQUEST authorizer verifies them. Cognito is not used.',
        },
        ...(hasWebAcl
          ? []
          : [
              {
                id: 'AwsSolutions-APIG3',
                reason:
                  'config.api.ipRateLimit is false and no webAclArn is given: the deployer turned the web ACL off; every route stays behind the JWT authorizer and stage throttling.',
              },
            ]),
      ],
      true,
    );
    const xray = 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.';
    if (tracing) {
      NagSuppressions.addResourceSuppressions(
        authorizerRole,
        [{ id: 'AwsSolutions-IAM5', reason: xray, appliesTo: ['Resource::*'] }],
        true,
      );
    }
    NagSuppressions.addResourceSuppressions(
      brokerRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: `KVS ListStreams (discovery route) supports no resource-level permissions.${tracing ? ` ${xray}` : ''}`,
          appliesTo: ['Resource::*'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Derived from config.streams: a stream ARN ends in its creation time, so an exact name is stream/NAME/*; a configured prefix is stream/PREFIX*.',
          appliesTo: [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream\\/.*$/g',
            },
          ],
        },
      ],
      true,
    );
  }
}

/** Props without their undefined members, so that spreading them over the defaults keeps the defaults. */
function definedOnly<T extends object>(props: T): Partial<T> {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as Partial<T>;
}
