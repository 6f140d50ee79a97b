// The router of one broker Lambda function: the pipeline (pipeline.ts) over the routes that function serves, by the
// route table's `lambda` column (lambda/contract/routes.ts), and the Lambda middleware around it. The deployed
// functions (lambdas/) each bring their own routes; local mode serves every route from one (handler.ts).
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/executionModeStreamifyResponse';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { ROUTES, routeOf, type OperationId, type RouteLambda } from '../contract/routes';
import type { BrokerConfig } from '../core/config';
import type { KvsAdapter } from '../kvs/adapter';
import type { WebrtcAdapter } from '../kvs/webrtc';
import type { StateStore } from '../state/store';
import type { ArchiveAdapter } from '../kvs/archive';
import {
  errorAnswer,
  noRoute,
  runRoute,
  type PipelineResult,
  type Route,
  type SessionCheck,
  type TokenCheck,
} from './pipeline';
import type { DiscoveryLimits } from './streams';
import { createViewerControl, type ViewerControl } from './viewer-control';

export interface BrokerOptions {
  config: BrokerConfig;
  kvs: KvsAdapter;
  /** KVS WebRTC signaling; without it POST /v1/streams/{streamName}/webrtc answers 404. */
  webrtc?: WebrtcAdapter;
  /** The archive calls of the timeline, images and clip routes (share the KVS clients with `kvs`). */
  archive?: ArchiveAdapter;
  logger: Logger;
  metrics: Metrics;
  /** @default Date.now */
  now?: () => number;
  /** @default DISCOVERY_LIMITS */
  discoveryLimits?: DiscoveryLimits;
  /**
   * Run on every token route once the caller is known, before parsing and deciding (revocation); a check
   * refuses by throwing a BrokerError. @default []
   */
  checks?: readonly TokenCheck[];
  /** The viewer-state table (revocations, seats); required when the config asks for either. */
  state?: StateStore;
  /**
   * Run on each session the grants allow (single and grid entries alike), before KVS is asked for it (seats); a
   * check refuses that session alone by throwing a BrokerError. @default []
   */
  sessionChecks?: readonly SessionCheck[];
  /** The base URL this broker is reached at, listed first in GET /openapi.json's servers (local mode's own URL). */
  servedAt?: string;
}

/** Some operations' routes: one function's (lambdas/), or every one (handler.ts). */
export type RouteSet = Partial<Record<OperationId, Route>>;

/**
 * The routes a function serves must be exactly its rows of the route table (`lambda`; every row when it serves them
 * all), each with its row's authorizer: anything else is a wiring mistake, refused at cold start.
 */
export function checkRouteSet(routes: RouteSet, lambda?: RouteLambda): void {
  const rows = ROUTES.filter((row) => lambda === undefined || row.lambda === lambda);
  const expected = rows.map((row) => row.operationId).sort();
  const given = Object.keys(routes).sort();
  if (expected.join() !== given.join()) {
    throw new TypeError(
      `the ${lambda ?? 'all-routes'} function serves ${given.join(', ')}, but the route table gives it ${expected.join(', ')}`,
    );
  }
  for (const row of rows) {
    if (routes[row.operationId]!.auth !== row.authorizer)
      throw new TypeError(
        `route ${row.operationId}: auth is not the route table's authorizer ${row.authorizer}`,
      );
  }
}

/**
 * The router and pipeline of one function, without the Lambda middleware: event -> answer (a body string, or a
 * stream). `routesFor` gets the viewer control (POST /v1/revocations is its route).
 */
export function createRouter(
  options: BrokerOptions,
  routesFor: (viewers: ViewerControl) => RouteSet,
  lambda?: RouteLambda,
) {
  const now = options.now ?? Date.now;
  const viewers = createViewerControl({
    config: options.config,
    now,
    ...(options.state ? { state: options.state } : {}),
  });
  const routes = routesFor(viewers);
  checkRouteSet(routes, lambda);
  // The revocation check runs on every token route (sessions, grids, discovery, archive, WebRTC, revocation).
  const pipeline = {
    ...options,
    now,
    checks: [...(options.checks ?? []), viewers.check],
    sessionChecks: [...(options.sessionChecks ?? []), ...(viewers.seats ? [viewers.seats] : [])],
  };
  return async function route(event: APIGatewayProxyEvent, context: Context): Promise<PipelineResult> {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const row = routeOf(event.httpMethod, event.resource);
    const served = row ? routes[row.operationId] : undefined;
    if (!row || !served) return errorAnswer(event, options.config, noRoute(event), requestId);
    return runRoute(pipeline, row, served, event, requestId);
  };
}

/**
 * A router as a Lambda handler. `buffered` (API Gateway's default integration): every body is a string. `stream`: a
 * Lambda that streams its answer (awslambda.streamifyResponse, for API Gateway REST response streaming), which a
 * route whose body is a stream (`{ stream }`) needs; string bodies are written to the stream as they are.
 */
export function lambdaHandler(
  options: Pick<BrokerOptions, 'logger' | 'metrics'>,
  route: ReturnType<typeof createRouter>,
  responseMode: 'buffered' | 'stream' = 'buffered',
) {
  return (
    middy<APIGatewayProxyEvent, PipelineResult>(
      route,
      responseMode === 'stream' ? { executionMode: executionModeStreamifyResponse } : {},
    )
      .use(injectLambdaContext(options.logger, { resetKeys: true, logEvent: false }))
      // One EMF flush per invocation (ColdStart and the invocation's metrics; decisions flush as their own lines).
      .use(logMetrics(options.metrics, { captureColdStartMetric: true }))
  );
}
