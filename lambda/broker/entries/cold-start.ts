// Cold-start wiring shared by the deployed broker functions (lambda/broker/index.ts and entries/): the config, the
// logger and metrics once per instance; the viewer-state store only where the construct gave the function a table.
import { Logger } from '@aws-lambda-powertools/logger';
import { ROUTE_LAMBDAS, type RouteLambda } from '../../contract/routes';
import type { BrokerConfig } from '../../core/config';
import type { KvsAdapter } from '../../kvs/adapter';
import { kvsAdapterOptions } from '../../kvs/options';
import { configFromEnv, stateTableFromEnv } from '../../runtime/env';
import { SERVICE_NAME } from '../../core/telemetry';
import type { StateStore } from '../../state/store';
import { brokerMetrics } from '../metrics';
import { createRouter, lambdaHandler, type BrokerOptions, type RouteSet } from '../router';
import type { ViewerControl } from '../viewer-control';

const REGION = process.env.AWS_REGION ?? 'us-east-1';

export function coldStart() {
  const config = configFromEnv(process.env);
  const logger = new Logger({ serviceName: SERVICE_NAME });
  return {
    config,
    logger,
    metrics: brokerMetrics(logger),
    kvsOptions: kvsAdapterOptions(config, { region: REGION }),
  };
}

/**
 * The viewer-state store when the function has a table (config revocation or seats). Imported only then: the
 * DynamoDB client is its own chunk of the bundle (scripts/build.ts), which a function without state never loads.
 */
async function stateFromEnv(config: BrokerConfig): Promise<StateStore | undefined> {
  const tableName = stateTableFromEnv(process.env);
  if (!tableName) return undefined;
  const { createStateStore } = await import('../../state/store');
  return createStateStore({
    tableName,
    region: REGION,
    timeoutMs: config.state.timeoutMs,
    maxAttempts: config.state.maxAttempts,
  });
}

/** The session adapter of a function that serves no session or discovery route: never called. */
export const NO_SESSION_ROUTES: KvsAdapter = {
  getStreamingSessionUrl: () => Promise.reject(new Error('this function serves no session route')),
  listStreams: () => Promise.reject(new Error('this function serves no discovery route')),
};

/** One deployed function: its routes (the route table's rows for it), answering as the table says. */
export async function deployedHandler(
  lambda: RouteLambda,
  options: Omit<BrokerOptions, 'state'>,
  routesFor: (viewers: ViewerControl) => RouteSet,
) {
  const state = await stateFromEnv(options.config);
  const all: BrokerOptions = { ...options, ...(state ? { state } : {}) };
  return lambdaHandler(all, createRouter(all, routesFor, lambda), ROUTE_LAMBDAS[lambda]);
}
