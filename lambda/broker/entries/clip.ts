// Lambda entry of the clip function (`lambda: 'clip'`): GetClip's body streamed to the caller (a Lambda that streams
// its answer, behind API Gateway REST response streaming).
import { createKvsClients } from '../../kvs/adapter';
import { createArchiveAdapter } from '../../kvs/archive';
import { clipLambdaRoutes } from '../lambdas/clip';
import { coldStart, deployedHandler, NO_SESSION_ROUTES } from './cold-start';

const { config, logger, metrics, kvsOptions } = coldStart();
const archive = createArchiveAdapter(createKvsClients(kvsOptions));

export const handler = await deployedHandler(
  'clip',
  { config, logger, metrics, kvs: NO_SESSION_ROUTES, archive },
  clipLambdaRoutes,
);
