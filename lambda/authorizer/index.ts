// Lambda entry for the authorizer: built once per cold start from the environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { SERVICE_NAME } from '../core/telemetry';
import { configFromEnv } from '../runtime/env';
import { createAuthorizer } from './authorizer';

const logger = new Logger({ serviceName: SERVICE_NAME });
// logEvent: false whatever POWERTOOLS_LOGGER_LOG_EVENT says: the event holds the bearer token.
export const handler = middy(createAuthorizer({ config: configFromEnv(process.env), logger })).use(
  injectLambdaContext(logger, { resetKeys: true, logEvent: false }),
);
