// Lambda entry of the broker function (`lambda: 'broker'` in lambda/contract/routes.ts): sessions, camera grids,
// discovery, revocations, the OpenAPI document. Built once per cold start from the environment.
import { createKvsAdapter } from '../kvs/adapter';
import { coldStart, deployedHandler } from './entries/cold-start';
import { brokerLambdaRoutes } from './lambdas/broker';

const { config, logger, metrics, kvsOptions } = coldStart();
const options = { config, logger, metrics, kvs: createKvsAdapter(kvsOptions) };

export const handler = await deployedHandler('broker', options, (viewers) =>
  brokerLambdaRoutes(options, viewers),
);
