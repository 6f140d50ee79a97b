// Lambda entry for the broker: built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { createKvsAdapter, createKvsClients } from '../kvs/adapter';
import { createArchiveAdapter } from '../kvs/archive';
import { kvsAdapterOptions } from '../kvs/options';
import { configFromEnv, stateTableFromEnv } from '../runtime/env';
import { createStateStore } from '../state/store';
import { SERVICE_NAME } from '../core/telemetry';
import { createBrokerHandler } from './handler';
import { brokerMetrics } from './metrics';

const config = configFromEnv(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = brokerMetrics(logger);
const kvsOptions = kvsAdapterOptions(config, { region: process.env.AWS_REGION ?? 'us-east-1' });
// One data-endpoint cache for the session and the archive calls.
const clients = createKvsClients(kvsOptions);
const kvs = createKvsAdapter(kvsOptions, clients);
const archive = createArchiveAdapter(clients);

const tableName = stateTableFromEnv(process.env);
const state = tableName
  ? createStateStore({
      tableName,
      region: process.env.AWS_REGION ?? 'us-east-1',
      timeoutMs: config.state.timeoutMs,
      maxAttempts: config.state.maxAttempts,
    })
  : undefined;

export const handler = createBrokerHandler({
  config,
  kvs,
  archive,
  logger,
  metrics,
  ...(state ? { state } : {}),
});
