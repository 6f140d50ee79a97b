// Lambda entry for the broker: built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { createKvsAdapter } from '../kvs/adapter';
import { kvsAdapterOptions } from '../kvs/options';
import { createWebrtcAdapter } from '../kvs/webrtc';
import { configFromEnv } from '../runtime/env';
import { SERVICE_NAME } from '../core/telemetry';
import { createBrokerHandler } from './handler';
import { brokerMetrics } from './metrics';

const config = configFromEnv(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = brokerMetrics(logger);
const adapterOptions = kvsAdapterOptions(config, { region: process.env.AWS_REGION ?? 'us-east-1' });
const kvs = createKvsAdapter(adapterOptions);
// Config `webrtc` absent: no signaling client is made and the route answers 404.
const webrtc = config.webrtc ? createWebrtcAdapter(adapterOptions) : undefined;

export const handler = createBrokerHandler({ config, kvs, logger, metrics, ...(webrtc ? { webrtc } : {}) });
