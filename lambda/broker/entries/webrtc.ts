// Lambda entry of the WebRTC function (`lambda: 'webrtc'`): a viewer's signed connection to a signaling channel.
import { createWebrtcAdapter } from '../../kvs/webrtc';
import { webrtcLambdaRoutes } from '../lambdas/webrtc';
import { coldStart, deployedHandler, NO_SESSION_ROUTES } from './cold-start';

const { config, logger, metrics, kvsOptions } = coldStart();
// Config `webrtc` absent: no signaling client is made and the route answers 404.
const webrtc = config.webrtc ? createWebrtcAdapter(kvsOptions) : undefined;

export const handler = await deployedHandler(
  'webrtc',
  { config, logger, metrics, kvs: NO_SESSION_ROUTES, ...(webrtc ? { webrtc } : {}) },
  webrtcLambdaRoutes,
);
