// The built-in local configuration (README (Local mode)): the dev issuer, served by the local server, and a few
// emulated cameras.
import { DEV_AUDIENCE, DEV_ISSUER, JWKS_PATH } from './dev-issuer';

export const DEFAULT_LOCAL_STREAMS = [
  { name: 'cam-1', dataRetentionInHours: 24, mediaType: 'video/h264' },
  { name: 'cam-lobby', dataRetentionInHours: 24, mediaType: 'video/h264' },
  { name: 'site7-door', dataRetentionInHours: 168, mediaType: 'video/h264' },
  { name: 'site7-yard', dataRetentionInHours: 168, mediaType: 'video/h264' },
  { name: 'cam-live-only', dataRetentionInHours: 0, mediaType: 'video/h264' },
  // a motion-triggered camera: 40 s recorded of each minute, so the archive shows gaps (timeline, images, clips)
  {
    name: 'cam-motion',
    dataRetentionInHours: 24,
    mediaType: 'video/h264',
    recording: { everySeconds: 60, forSeconds: 40 },
  },
];

export function defaultLocalConfig(baseUrl: string): unknown {
  return {
    issuers: [
      {
        issuer: DEV_ISSUER,
        jwksUri: `${baseUrl}${JWKS_PATH}`,
        audience: DEV_AUDIENCE,
        algorithms: ['ES256', 'RS256'],
      },
    ],
    sessions: { defaultExpiresSeconds: 300, maxExpiresSeconds: 3600 },
    streams: ['*'],
    cors: { allowOrigins: ['*'] },
    // A signaling channel per stream, of the same name, each with an emulated master (README, WebRTC viewers).
    webrtc: { channelName: '{stream}' },
    local: { streams: DEFAULT_LOCAL_STREAMS, enforceQuotas: true },
  };
}
