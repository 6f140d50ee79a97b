// The broker Lambda: one router over the contract's route table (lambda/contract/routes.ts). Each operation is a
// route of the pipeline (pipeline.ts): parse, handle; the caller, checks, audit, metrics, errors, CORS and
// Cache-Control are the pipeline's, the same for every route.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/executionModeStreamifyResponse';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { openApiJson } from '../contract/openapi-document';
import { servedOpenApiJson } from '../contract/openapi-servers';
import { ROUTES, routeOf, type OperationId } from '../contract/routes';
import type { BrokerConfig } from '../core/config';
import type { KvsAdapter } from '../kvs/adapter';
import type { StateStore } from '../state/store';
import type { ArchiveAdapter } from '../kvs/archive';
import {
  errorAnswer,
  noRoute,
  runRoute,
  type OpenRoute,
  type PipelineResult,
  type Route,
  type SessionCheck,
  type TokenCheck,
} from './pipeline';
import { getClip, getImages, getTimeline } from './archive';
import { createSessions } from './batch-sessions';
import { createSession } from './sessions';
import { createStreamsRoute, type DiscoveryLimits } from './streams';
import { createViewerControl, type ViewerControl } from './viewer-control';

export interface BrokerOptions {
  config: BrokerConfig;
  kvs: KvsAdapter;
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

/**
 * GET /openapi.json: the committed document, read once per instance, cacheable (it holds no secret); with the
 * answering server's own URL first among its servers when the broker knows it (local mode).
 */
function openApiRoute(servedAt?: string): OpenRoute<void> {
  let document: string | undefined;
  return {
    auth: 'none',
    parse: () => undefined,
    handle: async () => {
      document ??= servedAt === undefined ? openApiJson() : servedOpenApiJson(openApiJson(), servedAt);
      return { body: { text: document }, headers: { 'Cache-Control': 'max-age=300' } };
    },
  };
}

/** Every operation of the route table, or this does not compile; each one's `auth` is its row's authorizer. */
function brokerRoutes(options: BrokerOptions, viewers: ViewerControl): Record<OperationId, Route> {
  const routes: Record<OperationId, Route> = {
    createSession,
    createSessions,
    listStreams: createStreamsRoute(options.discoveryLimits, options.now),
    createRevocation: viewers.revocationRoute,
    getTimeline,
    getImages,
    getClip,
    getOpenApiDocument: openApiRoute(options.servedAt),
  };
  for (const row of ROUTES) {
    if (routes[row.operationId].auth !== row.authorizer)
      throw new TypeError(
        `route ${row.operationId}: auth is not the route table's authorizer ${row.authorizer}`,
      );
  }
  return routes;
}

/** The router and pipeline, without the Lambda middleware: event -> answer (a body string, or a stream). */
export function createBrokerRouter(options: BrokerOptions) {
  const now = options.now ?? Date.now;
  const viewers = createViewerControl({
    config: options.config,
    now,
    ...(options.state ? { state: options.state } : {}),
  });
  const routes = brokerRoutes(options, viewers);
  // The revocation check runs on every token route (sessions, grids, discovery, revocation itself).
  const pipeline = {
    ...options,
    now,
    checks: [...(options.checks ?? []), viewers.check],
    sessionChecks: [...(options.sessionChecks ?? []), ...(viewers.seats ? [viewers.seats] : [])],
  };
  return async function route(event: APIGatewayProxyEvent, context: Context): Promise<PipelineResult> {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const row = routeOf(event.httpMethod, event.resource);
    if (!row) return errorAnswer(event, options.config, noRoute(event), requestId);
    return runRoute(pipeline, row, routes[row.operationId], event, requestId);
  };
}

/**
 * The broker's Lambda handler. `buffered` (API Gateway's default integration): every body is a string. `stream`: a
 * Lambda that streams its answer (awslambda.streamifyResponse, for API Gateway REST response streaming), which a
 * route whose body is a stream (`{ stream }`) needs; string bodies are written to the stream as they are.
 */
export function createBrokerHandler(
  options: BrokerOptions,
  responseMode: 'buffered' | 'stream' = 'buffered',
) {
  const route = createBrokerRouter(options);
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
