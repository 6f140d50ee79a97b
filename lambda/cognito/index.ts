// Lambda entry for the Cognito pre token generation trigger (V2_0 event): built once per cold start.
import { Logger } from '@aws-lambda-powertools/logger';
import { configFromEnv } from './env';
import { createPreTokenGenerationHandler } from './handler';

const logger = new Logger({ serviceName: 'kvs-session-broker-cognito' });
export const handler = createPreTokenGenerationHandler({ config: configFromEnv(process.env), logger });
