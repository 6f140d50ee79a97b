// Lambda entry for the broker: built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { createKvsAdapter, createKvsClients } from '../kvs/adapter';
import { createArchiveAdapter } from '../kvs/archive';
import { kvsAdapterOptions } from '../kvs/options';
import { configFromEnv } from '../runtime/env';
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

export const handler = createBrokerHandler({ config, kvs, archive, logger, metrics });
