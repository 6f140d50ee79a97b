// Lambda entry of the clip function (`lambda: 'clip'`): GetClip's body streamed to the caller (a Lambda that streams
// its answer, behind API Gateway REST response streaming).
import { createKvsClients } from '../../kvs/adapter';
import { createArchiveAdapter } from '../../kvs/archive';
import { clipLambdaRoutes } from '../lambdas/clip';
import { coldStart, deployedHandler, NO_SESSION_ROUTES } from './cold-start';
import { seatConfig } from './seats';

const { config: loaded, logger, metrics, kvsOptions } = coldStart();
// It takes no seat: with seats alone configured it has no table (lib/viewer-state-table.ts).
const config = seatConfig('clip', loaded);
const archive = createArchiveAdapter(createKvsClients(kvsOptions));

export const handler = await deployedHandler(
  'clip',
  { config, logger, metrics, kvs: NO_SESSION_ROUTES, archive },
  clipLambdaRoutes,
);
