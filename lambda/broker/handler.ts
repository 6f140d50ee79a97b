// The broker's routes in process: local mode, the tests and the bench. Deployed, each function of the route table's
// `lambda` column (lambda/contract/routes.ts) serves its own routes (lambdas/, entries index.ts and entries/); here
// `createFunctionHandlers` makes the same functions side by side, and `createBrokerHandler` one handler serving
// every route. All go through the same router and pipeline (router.ts, pipeline.ts).
import type { OperationId, RouteLambda } from '../contract/routes';
import { archiveLambdaRoutes } from './lambdas/archive';
import { brokerLambdaRoutes } from './lambdas/broker';
import { clipLambdaRoutes } from './lambdas/clip';
import { webrtcLambdaRoutes } from './lambdas/webrtc';
import type { Route } from './pipeline';
import { createRouter, lambdaHandler, type BrokerOptions, type RouteSet } from './router';
import type { ViewerControl } from './viewer-control';

export type { BrokerOptions } from './router';

/** Each function's routes, as its deployed entry serves them. */
const LAMBDA_ROUTES: Record<RouteLambda, (options: BrokerOptions, viewers: ViewerControl) => RouteSet> = {
  broker: brokerLambdaRoutes,
  archive: archiveLambdaRoutes,
  clip: clipLambdaRoutes,
  webrtc: webrtcLambdaRoutes,
};

/** Every operation of the route table, or this does not compile: the four functions' routes together. */
function brokerRoutes(options: BrokerOptions, viewers: ViewerControl): Record<OperationId, Route> {
  return {
    ...brokerLambdaRoutes(options, viewers),
    ...archiveLambdaRoutes(),
    ...clipLambdaRoutes(),
    ...webrtcLambdaRoutes(),
  };
}

/** The router and pipeline over every route, without the Lambda middleware: event -> answer. */
export function createBrokerRouter(options: BrokerOptions) {
  return createRouter(options, (viewers) => brokerRoutes(options, viewers));
}

/**
 * Every route as one Lambda handler. `buffered`: every body is a string. `stream`: a Lambda that streams its answer
 * (awslambda.streamifyResponse), which a route whose body is a stream (`{ stream }`) needs.
 */
export function createBrokerHandler(
  options: BrokerOptions,
  responseMode: 'buffered' | 'stream' = 'buffered',
) {
  return lambdaHandler(options, createBrokerRouter(options), responseMode);
}

/**
 * The deployed functions side by side, each with only its routes and its own viewer control (revocation cache), as
 * in AWS. Buffered: a stream body is handed back as it is (the local gateway pipes it, as REST response streaming
 * does), so no `awslambda` global is needed.
 */
export function createFunctionHandlers(
  options: BrokerOptions,
): Record<RouteLambda, ReturnType<typeof lambdaHandler>> {
  const handlers = {} as Record<RouteLambda, ReturnType<typeof lambdaHandler>>;
  for (const [name, routesFor] of Object.entries(LAMBDA_ROUTES) as [
    RouteLambda,
    typeof brokerLambdaRoutes,
  ][]) {
    handlers[name] = lambdaHandler(
      options,
      createRouter(options, (viewers) => routesFor(options, viewers), name),
    );
  }
  return handlers;
}
