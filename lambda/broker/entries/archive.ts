// Lambda entry of the archive function (`lambda: 'archive'`): the timeline and the images (ListFragments, GetImages).
import { createKvsClients } from '../../kvs/adapter';
import { createArchiveAdapter } from '../../kvs/archive';
import { archiveLambdaRoutes } from '../lambdas/archive';
import { coldStart, deployedHandler, NO_SESSION_ROUTES } from './cold-start';
import { seatConfig } from './seats';

const { config: loaded, logger, metrics, kvsOptions } = coldStart();
// It takes no seat: with seats alone configured it has no table (lib/viewer-state-table.ts).
const config = seatConfig('archive', loaded);
const archive = createArchiveAdapter(createKvsClients(kvsOptions));

export const handler = await deployedHandler(
  'archive',
  { config, logger, metrics, kvs: NO_SESSION_ROUTES, archive },
  archiveLambdaRoutes,
);
