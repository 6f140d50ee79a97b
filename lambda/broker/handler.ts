// The broker Lambda: one router over the contract's route table (lambda/contract/routes.ts), each operation thin
// glue: event -> core -> KVS -> JSON.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { openApiDocument } from '../contract/openapi';
import { routeOf, type OperationId } from '../contract/routes';
import type { BrokerConfig } from '../core/config';
import { BrokerError } from '../core/errors';
import type { KvsAdapter } from '../kvs/adapter';
import type { StateStore } from '../state/store';
import { jsonErrors, jsonResponse } from './http';
import { createSessionRoute } from './sessions';
import { createStreamsRoute, type DiscoveryLimits } from './streams';
import { createViewerControl } from './viewer-control';

export interface BrokerOptions {
  config: BrokerConfig;
  kvs: KvsAdapter;
  logger: Logger;
  metrics: Metrics;
  /** The viewer-state table (revocations, seats); required when the config asks for either. */
  state?: StateStore;
  /** @default Date.now */
  now?: () => number;
  /** @default DISCOVERY_LIMITS */
  discoveryLimits?: DiscoveryLimits;
}

type Operation = (event: APIGatewayProxyEvent, requestId: string) => Promise<APIGatewayProxyResult>;

export function createBrokerHandler(options: BrokerOptions) {
  const { config, kvs, logger, metrics } = options;
  const now = options.now ?? Date.now;
  let document: string | undefined;
  const viewers = createViewerControl({
    config,
    logger,
    now,
    ...(options.state ? { state: options.state } : {}),
  });
  // Every operation of the route table, or this does not compile.
  const operations: Record<OperationId, Operation> = {
    createSession: createSessionRoute({ config, kvs, logger, metrics, now, viewers }),
    listStreams: createStreamsRoute({
      config,
      kvs,
      logger,
      metrics,
      now,
      viewers,
      ...(options.discoveryLimits ? { limits: options.discoveryLimits } : {}),
    }),
    createRevocation: viewers.revocationRoute,
    getOpenApiDocument: async (event) => {
      document ??= JSON.stringify(openApiDocument());
      return {
        ...jsonResponse(event, config.cors, 200, null, { 'Cache-Control': 'max-age=300' }),
        body: document,
      };
    },
  };

  async function route(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const operation = routeOf(event.httpMethod, event.resource);
    if (!operation) throw new BrokerError('NOT_FOUND', `No route ${event.httpMethod} ${event.path}`);
    return operations[operation.operationId](event, requestId);
  }

  return (
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>(route)
      .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
      // One EMF flush per invocation, after the error middleware below has answered (middy runs `after` in reverse).
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(jsonErrors({ logger, cors: config.cors }))
  );
}
