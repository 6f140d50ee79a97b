// Measured variant (not deployed): Powertools Logger and its middy middleware replaced by lambda/runtime/log.ts.
import { JsonLogger, lambdaContextKeys } from '../../lambda/runtime/log';

export class Logger extends JsonLogger {}
export const injectLambdaContext = (logger: JsonLogger) => lambdaContextKeys(logger);
