// Lambda entry for the broker: built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { createKvsAdapter } from '../kvs/adapter';
import { kvsAdapterOptions } from '../kvs/options';
import { configFromEnv } from '../runtime/env';
import { SERVICE_NAME } from '../core/telemetry';
import { createBrokerHandler } from './handler';
import { brokerMetrics } from './metrics';

const config = configFromEnv(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = brokerMetrics(logger);
const kvs = createKvsAdapter(kvsAdapterOptions(config, { region: process.env.AWS_REGION ?? 'us-east-1' }));

export const handler = createBrokerHandler({ config, kvs, logger, metrics });
