// Measured variant (not deployed): Powertools Logger and its middy middleware replaced by bench/variants/lean-log.ts.
import { JsonLogger, lambdaContextKeys } from './lean-log';

export class Logger extends JsonLogger {}
export const injectLambdaContext = (logger: JsonLogger) => lambdaContextKeys(logger);
