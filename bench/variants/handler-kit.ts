// What bench/children/handler-time.ts needs to build broker handlers, bundled like a Lambda so that a variant
// (lean logger and metrics) can be swapped in by the same esbuild plugin as the Lambda variants.
export { createBrokerHandler } from '../../lambda/broker/handler';
export { Logger } from '@aws-lambda-powertools/logger';
export { Metrics } from '@aws-lambda-powertools/metrics';
export { validateConfig } from '../../lambda/runtime/validate';
