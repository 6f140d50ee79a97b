// The product as an L3 construct: REST API + JWT request authorizer + broker Lambda (docs/api.md), validated then
// built. Props and their validation: kvs-session-broker-props.ts.
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  apiResources,
  PREFLIGHT_ALLOW_HEADERS,
  PREFLIGHT_MAX_AGE_SECONDS,
  ROUTE_LAMBDAS,
  ROUTES,
  type RouteLambda,
} from '../lambda/contract/routes';
import { needsViewerState, type BrokerConfig } from '../lambda/core/config';
import { accessLogFormat } from './access-log';
import { addApiGatewayAccount } from './api-gateway-account';
import { BrokerFunction, entriesOf, mapValues, ROUTE_FUNCTIONS } from './broker-function';
import { addBrokerNagSuppressions } from './broker-nag-suppressions';
import { addGatewayErrorResponses } from './gateway-responses';
import { RateLimitWebAcl } from './ip-rate-limit';
import { acceptNagFindings } from './nag';
import {
  AUTHORIZER_TIMEOUT,
  BROKER_TIMEOUT,
  brokerEnvironment,
  CLIP_TIMEOUT,
  KVS_SESSION_BROKER_DEFAULTS,
  validateKvsSessionBrokerProps,
  type KvsSessionBrokerProps,
} from './kvs-session-broker-props';
import { channelArns, kvsStatements, streamArns } from './stream-permissions';
import { usesViewerState, viewerStateActions, ViewerStateTable } from './viewer-state-table';

export * from './kvs-session-broker-props';

/** The log groups the construct owns. */
export interface KvsSessionBrokerLogGroups {
  /** The authorizer Lambda's log (refusal reasons). */
  readonly authorizer: logs.LogGroup;
  /** The broker function's log: sessions, grids, discovery, revocations (README (Observability and audit)). */
  readonly broker: logs.LogGroup;
  /** Every broker function's log (broker, archive, clip, webrtc): together, every audit line of a decision. */
  readonly functions: Readonly<Record<RouteLambda, logs.LogGroup>>;
  /** The API stage's JSON access log. */
  readonly access: logs.LogGroup;
  /** The API stage's execution log, created ahead of API Gateway so that it has a retention. */
  readonly execution: logs.LogGroup;
}

/**
 * A REST API that hands out short-lived Kinesis Video Streams playback URLs, archive views and WebRTC viewer
 * connections to JWT holders (docs/api.md), behind a Lambda REQUEST authorizer. Each route is served by the function
 * the route table names (lambda/contract/routes.ts `lambda`: broker, archive, clip, webrtc), each with its own role
 * reaching only what its routes call on the configured streams.
 */
export class KvsSessionBroker extends Construct {
  /** The validated configuration the Lambdas receive. */
  readonly config: BrokerConfig;
  readonly api: apigw.RestApi;
  readonly authorizer: apigw.RequestAuthorizer;
  readonly authorizerFunction: lambda.Function;
  /** The broker function: sessions, camera grids, discovery, revocations, the OpenAPI document. */
  readonly brokerFunction: lambda.Function;
  /** Every function that serves routes, by the route table's `lambda` column. */
  readonly functions: Readonly<Record<RouteLambda, lambda.Function>>;
  readonly logGroups: KvsSessionBrokerLogGroups;
  /** The stage URL, ending in `/`: routes are `${url}v1/...`. */
  readonly url: string;
  /**
   * The rate limits' web ACL (per bearer token and per client IP), unless both `config.api.tokenRateLimit` and
   * `config.api.ipRateLimit` are false or `webAclArn` is given.
   */
  readonly rateLimitWebAcl?: RateLimitWebAcl;
  /** The viewer-state table (revocations, seats), when the config asks for either (docs/api.md). */
  readonly stateTable: ViewerStateTable | undefined;

  constructor(scope: Construct, id: string, props: KvsSessionBrokerProps) {
    super(scope, id);
    // Validate, then build.
    const config = validateKvsSessionBrokerProps(props);
    const settings: Settings = { ...KVS_SESSION_BROKER_DEFAULTS, ...definedOnly(props) };
    this.config = config;

    const { authorizerFn, routeFns } = this.createFunctions(settings, config);
    this.authorizerFunction = authorizerFn.function;
    this.brokerFunction = routeFns.broker.function;
    this.functions = mapValues(routeFns, (fn) => fn.function);
    this.stateTable = this.createStateTable(config, settings, routeFns);
    const { api, accessLogGroup, executionLogGroup } = this.createRestApi(
      props.apiName ?? `${Stack.of(this).stackName}-${id}`,
      settings,
      config,
    );
    this.api = api;
    if (settings.apiGatewayCloudWatchRole) addApiGatewayAccount(this, this.api);

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
    } else if (config.api.tokenRateLimit !== false || config.api.ipRateLimit !== false) {
      this.rateLimitWebAcl = new RateLimitWebAcl(this, 'IpRateLimit', {
        stage: this.api.deploymentStage,
        limits: config.api,
        allowOrigins: config.cors.allowOrigins,
        metricName: `${Stack.of(this).stackName}-${id}`.replace(/[^\w#:.\-/]/g, '-').slice(0, 200),
      });
    }

    this.logGroups = {
      authorizer: authorizerFn.logGroup,
      broker: routeFns.broker.logGroup,
      functions: mapValues(routeFns, (fn) => fn.logGroup),
      access: accessLogGroup,
      execution: executionLogGroup,
    };
    this.url = this.api.url;
    // RestApi adds an `Endpoint` output of its own; outputs are the stack's business, not the construct's.
    this.api.node.tryRemoveChild('Endpoint');

    addBrokerNagSuppressions({
      api: this.api,
      hasWebAcl: props.webAclArn !== undefined || this.rateLimitWebAcl !== undefined,
      tracing: settings.tracing,
      authorizerRole: authorizerFn.role,
      functionRoles: mapValues(routeFns, (fn) => fn.role),
      streamArns: streamArns(this, config.streams),
      channelArns: config.webrtc ? channelArns(this, config.webrtc.channelName, config.streams) : [],
    });
  }

  /**
   * The authorizer and the functions of the route table, each with its own role and log group; each route function's
   * KVS permissions are those of its routes (lib/stream-permissions.ts `kvsStatements`).
   */
  private createFunctions(settings: Settings, config: BrokerConfig) {
    const environment = brokerEnvironment(config, settings.logLevel);
    const common = {
      memorySize: settings.memorySize,
      architecture: settings.architecture ?? lambda.Architecture.ARM_64,
      runtime: settings.runtime,
      tracing: settings.tracing,
      environment,
      logRetention: settings.logRetention,
      logRemovalPolicy: settings.logRemovalPolicy,
    };
    const authorizerFn = new BrokerFunction(this, 'Authorizer', {
      ...common,
      bundle: 'authorizer',
      description: 'kvs-session-broker JWT authorizer',
      timeout: AUTHORIZER_TIMEOUT,
    });
    const routeFns = mapValues(
      ROUTE_FUNCTIONS,
      ({ id, description }, name) =>
        new BrokerFunction(this, id, {
          ...common,
          bundle: name,
          description: `kvs-session-broker ${description}`,
          timeout: ROUTE_LAMBDAS[name] === 'stream' ? CLIP_TIMEOUT : BROKER_TIMEOUT,
        }),
    );
    for (const [name, fn] of entriesOf(routeFns)) {
      for (const statement of kvsStatements(this, name, config.streams, config.webrtc?.channelName))
        fn.role.addToPolicy(statement);
    }
    return { authorizerFn, routeFns };
  }

  /** The viewer-state table, only when the config asks for revocation or seats, for the functions that use it. */
  private createStateTable(
    config: BrokerConfig,
    settings: Settings,
    routeFns: Record<RouteLambda, BrokerFunction>,
  ) {
    if (!needsViewerState(config)) return undefined;
    return new ViewerStateTable(this, 'ViewerState', {
      users: entriesOf(routeFns)
        .filter(([name]) => usesViewerState(name, config))
        .map(([name, fn]) => ({
          lambda: name,
          actions: viewerStateActions(name, config),
          function: fn.function,
          role: fn.role,
        })),
      pointInTimeRecovery: settings.statePointInTimeRecovery,
      removalPolicy: settings.stateRemovalPolicy,
    });
  }

  /** The REST API and its stage: throttling, JSON access log, execution log with a retention, X-Ray. */
  private createRestApi(restApiName: string, settings: Settings, config: BrokerConfig) {
    const accessLogGroup = new logs.LogGroup(this, 'AccessLog', {
      retention: settings.logRetention,
      removalPolicy: settings.logRemovalPolicy,
    });
    const api = new apigw.RestApi(this, 'Api', {
      restApiName,
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
      logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${settings.stageName}`,
      retention: settings.logRetention,
      removalPolicy: settings.logRemovalPolicy,
    });
    api.deploymentStage.node.addDependency(executionLogGroup);
    return { api, accessLogGroup, executionLogGroup };
  }

  /**
   * The methods of the route table (lambda/contract/routes.ts), each on its row's function; CORS preflight per
   * resource. The clip's integration streams (REST response streaming, aws-cdk-lib `ResponseTransferMode.STREAM`):
   * buffered, a Lambda's response payload is at most 6 MB (Lambda quotas, "Invocation payload"), and a clip is up to
   * 100 MB.
   */
  private addRoutes(allowOrigins: readonly string[]): void {
    // Proxy integrations; no test-invoke permission, so the console cannot call a function past the authorizer.
    const integrations = mapValues(
      this.functions,
      (fn, name) =>
        new apigw.LambdaIntegration(fn, {
          proxy: true,
          allowTestInvoke: false,
          // A streamed integration may run past the 29 s default, up to 15 minutes (API Gateway, "Stream the
          // integration response for your proxy integrations"): as long as its function may.
          ...(ROUTE_LAMBDAS[name] === 'stream'
            ? { responseTransferMode: apigw.ResponseTransferMode.STREAM, timeout: CLIP_TIMEOUT }
            : {}),
        }),
    );
    const guarded: apigw.MethodOptions = {
      authorizer: this.authorizer,
      authorizationType: apigw.AuthorizationType.CUSTOM,
    };
    const open: apigw.MethodOptions = { authorizationType: apigw.AuthorizationType.NONE };
    for (const route of ROUTES) {
      const method = this.api.root
        .resourceForPath(route.path)
        .addMethod(route.method, integrations[route.lambda], route.authorizer === 'jwt' ? guarded : open);
      if (route.authorizer === 'none') {
        acceptNagFindings(method, [
          {
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public by design (docs/api.md: ${route.summary.toLowerCase()}); it serves no stream data and stays behind stage throttling.`,
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
}

/** The props with every default filled in. */
type Settings = Omit<KvsSessionBrokerProps, 'config'> &
  Required<Pick<KvsSessionBrokerProps, keyof typeof KVS_SESSION_BROKER_DEFAULTS>>;

/** Props without their undefined members, so that spreading them over the defaults keeps the defaults. */
function definedOnly<T extends object>(props: T): Partial<T> {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as Partial<T>;
}
