// The lean logger as a middy middleware, for the broker variant that swaps Powertools Logger out
// (bench/variants/powertools-logger-shim.ts). The logger itself is the authorizer's (lambda/runtime/json-logger.ts).
import type { MiddlewareObj } from '@middy/core';
import { JsonLogger } from '../../lambda/runtime/json-logger';

export { JsonLogger };

/** middy middleware: the Lambda context's keys on every line of the invocation. Never logs the event. */
export function lambdaContextKeys(logger: JsonLogger): MiddlewareObj {
  return {
    before: (request) => {
      logger.addContext(request.context);
    },
  };
}
