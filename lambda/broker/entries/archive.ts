// Lambda entry of the archive function (`lambda: 'archive'`): the timeline and the images (ListFragments, GetImages).
import { createKvsClients } from '../../kvs/adapter';
import { createArchiveAdapter } from '../../kvs/archive';
import { archiveLambdaRoutes } from '../lambdas/archive';
import { coldStart, deployedHandler, NO_SESSION_ROUTES } from './cold-start';

const { config, logger, metrics, kvsOptions } = coldStart();
const archive = createArchiveAdapter(createKvsClients(kvsOptions));

export const handler = await deployedHandler(
  'archive',
  { config, logger, metrics, kvs: NO_SESSION_ROUTES, archive },
  archiveLambdaRoutes,
);
