// Measured variant (not deployed): the broker's Powertools Logger and its middy middleware replaced by the
// authorizer's lean logger (lambda/runtime/json-logger.ts), with the debug level the broker also calls.
import type { LogFields } from '../../lambda/runtime/json-logger';
import { JsonLogger, lambdaContextKeys } from './lean-log';

export class Logger extends JsonLogger {
  debug(message: string, fields?: LogFields): void {
    this.log('DEBUG', message, fields);
  }
}
export const injectLambdaContext = (logger: JsonLogger) => lambdaContextKeys(logger);
