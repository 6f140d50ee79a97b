// Lambda entry for the broker: built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createKvsAdapter } from '../kvs/adapter';
import { configFromEnv } from '../runtime/env';
import { createBrokerHandler } from './handler';

const config = configFromEnv(process.env);
const logger = new Logger({ serviceName: 'kvs-session-broker' });
const metrics = new Metrics({ namespace: 'KvsSessionBroker', serviceName: 'kvs-session-broker' });
const kvs = createKvsAdapter({
  region: process.env.AWS_REGION ?? 'us-east-1',
  timeoutMs: config.kvs.timeoutMs,
  maxAttempts: config.kvs.maxAttempts,
  dataEndpointTtlMs: config.kvs.dataEndpointTtlSeconds * 1000,
});

export const handler = createBrokerHandler({ config, kvs, logger, metrics });
