// Lambda entry for the authorizer: built once per cold start from the environment. A plain handler with the lean
// JSON logger (no middy, no Powertools): jose is the floor of a decision and the rest must stay small beside it
// (README (Performance)). The logger takes the invocation's keys from the context; it never logs the event, which
// holds the bearer token.
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { SERVICE_NAME } from '../core/telemetry';
import { authorizerConfigFromEnv } from '../runtime/env';
import { JsonLogger } from '../runtime/json-logger';
import { createAuthorizer } from './authorizer';

const logger = new JsonLogger({ serviceName: SERVICE_NAME });
const authorize = createAuthorizer({ config: authorizerConfigFromEnv(process.env), logger });

export const handler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => {
  logger.addContext(context);
  return authorize(event);
};
